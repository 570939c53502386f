package aliyunsim

import "time"

// AddDemoGap makes the bill of the world's last account for the day before now (Asia/Shanghai)
// hold one item that cannot be read (its Usage sent as an object, UnreadableItem), so that
// local demo mode shows what CloudLens does with a bill it could not store whole: the item is
// rejected, the day is marked incomplete with the reason, and every answer covering the day
// says so. It returns the account's uid and the day; with no account it does nothing.
func (s *Server) AddDemoGap(now time.Time) (uid, day string) {
	accounts := s.w.Accounts()
	if len(accounts) == 0 {
		return "", ""
	}
	uid = accounts[len(accounts)-1].UID
	day = dayTime(dayNumber(now) - 1).Format("2006-01-02")
	s.SetDayQuirks(uid, day, DayQuirks{UnreadableItem: 1})
	return uid, day
}
