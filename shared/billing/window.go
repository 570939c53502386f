package billing

import "time"

// Shanghai is the billing time zone of Alibaba Cloud bills (Asia/Shanghai): days and months
// are its calendar. It is the one such Location in CloudLens. A fixed offset is exact (China
// has kept UTC+8 without daylight saving since 1991) and needs no tzdata on the function image.
var Shanghai = time.FixedZone("CST", 8*60*60)

// FinalAt is when the bills of day's month stop changing: 12:00 on the 3rd of the next
// month, Asia/Shanghai. day is YYYY-MM-DD.
func FinalAt(day string) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, day, Shanghai)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(d.Year(), d.Month()+1, 3, 12, 0, 0, 0, Shanghai), nil
}

// Window is the range of days one sync considers, inclusive, and the days of it that must be fetched.
type Window struct {
	Start, End string // YYYY-MM-DD; Start > End when there is no complete day yet
	Fetch      []string
}

// Plan decides which days a run at now fetches. The window runs from the first day of the
// month backfillMonths before now's month to yesterday (today has no bill yet). A day is
// skipped only when complete holds a fetch of it made after its month became final: such a
// day can no longer change. Every other day — never fetched, fetched partially (absent from
// complete), or fetched while its month was still open — is fetched again.
func Plan(now time.Time, backfillMonths int, complete map[string]time.Time) Window {
	backfillMonths = max(backfillMonths, 0)
	local := now.In(Shanghai)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, Shanghai)
	start := time.Date(local.Year(), local.Month()-time.Month(backfillMonths), 1, 0, 0, 0, 0, Shanghai)
	end := today.AddDate(0, 0, -1)
	w := Window{Start: start.Format(time.DateOnly), End: end.Format(time.DateOnly)}
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		final := time.Date(d.Year(), d.Month()+1, 3, 12, 0, 0, 0, Shanghai)
		if at, ok := complete[day]; ok && !at.Before(final) {
			continue
		}
		w.Fetch = append(w.Fetch, day)
	}
	return w
}

// SyncFunction is the function that performs sync runs; the accounts function invokes it for
// "sync now" with a SyncRequest.
const SyncFunction = "cloudlens-billingsync"

// SyncRequest asks the billing sync to run one queued sync of one account now (the body of
// the accounts function's asynchronous invocation of cloudlens-billingsync).
type SyncRequest struct {
	AccountID int64 `json:"accountId"`
	SyncID    int64 `json:"syncId"`
}
