package aliyunsim

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/resource"
)

// CloudMonitor namespaces the simulator serves, with the type of resource each describes.
var namespaces = map[string]resource.Type{
	"acs_ecs_dashboard": resource.ECS,
	"acs_vpc_eip":       resource.EIP,
	"acs_slb_dashboard": resource.SLB,
	"acs_nat_gateway":   resource.NAT,
	"acs_rds_dashboard": resource.RDS,
	"acs_kvstore":       resource.Redis,
}

// Limits of DescribeMetricList in the simulator: hourly points only, at most 50 instances a
// call (Dimensions), at most 1440 points a page (Length).
const (
	metricPeriod     = 3600
	maxDimensions    = 50
	maxMetricLength  = 1440
	defaultMetricLen = 1000
)

// Datapoint is one CloudMonitor point as DescribeMetricList returns it (inside the
// Datapoints string).
type Datapoint struct {
	Timestamp  int64   `json:"timestamp"`
	UserID     string  `json:"userId"`
	InstanceID string  `json:"instanceId"`
	Average    float64 `json:"Average"`
	Maximum    float64 `json:"Maximum"`
	Minimum    float64 `json:"Minimum"`
}

// point is the value of s for resource id in the hour starting at unix second ts (a whole
// hour): the average, maximum and minimum of the hour.
func (s series) point(id string, ts int64) (avg, hi, lo float64) {
	if s.level == 0 && s.burst == 0 {
		return 0, 0, 0
	}
	local := ts + 8*3600
	day, hod := local/86400, local%86400/3600
	h := mix(strHash(id) ^ uint64(ts))
	u := float64(h%10_000) / 10_000
	u2 := float64(h>>16%10_000) / 10_000
	weekday := time.Unix(ts, 0).In(billing.Shanghai).Weekday()
	weekend := weekday == time.Saturday || weekday == time.Sunday
	if s.rhythm {
		// Busiest in the afternoon, quietest before dawn; weekends at 85 %.
		f := 0.5 + 0.4*(0.5+0.5*math.Cos(2*math.Pi*(float64(hod)-14.5)/24))
		avg = s.level * f * (0.95 + 0.05*u)
		if weekend {
			avg *= 0.85
		}
	} else {
		avg = s.level * (0.5 + 0.45*u)
	}
	if hod == 14 || hod == 15 {
		avg = s.level
		if s.rhythm && weekend {
			avg = s.level * 0.85
		}
	}
	hi = min(avg*(1+0.3*u2), s.burst)
	if int64(mix(strHash(id)^uint64(day)*0x9e37)%24) == hod {
		hi = s.burst // the day's burst
	}
	hi = max(hi, avg)
	lo = avg * (1 - 0.3*u2)
	if s.integer {
		avg, hi, lo = math.Floor(avg), math.Floor(hi), math.Floor(lo)
	}
	return avg, hi, lo
}

// metricEnd is the first hour (unix seconds) without a point for r: its release, its stop
// (an ECS instance that is stopped reports nothing) or now.
func (r *invRes) metricEnd(now int64) int64 {
	end := now / 3600 * 3600
	if r.released != 0 {
		end = min(end, dayTime(r.released).Unix())
	}
	if r.stopped != 0 {
		end = min(end, dayTime(r.stopped).Unix())
	}
	return end
}

// parseMetricTime reads StartTime/EndTime: milliseconds since the epoch, or
// "YYYY-MM-DD hh:mm:ss" in Asia/Shanghai, as CloudMonitor accepts.
func parseMetricTime(v string) (int64, bool) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return ms / 1000, true
	}
	t, err := time.ParseInLocation(time.DateTime, v, billing.Shanghai)
	if err != nil {
		return 0, false
	}
	return t.Unix(), true
}

func (s *Server) describeMetricList(a *simAccount, form url.Values, day int64) (any, *apiError) {
	ns := form.Get("Namespace")
	if ns == "" {
		return nil, missing("Namespace")
	}
	typ, ok := namespaces[ns]
	if !ok {
		return nil, &apiError{http.StatusBadRequest, "InvalidParameter", "The specified Namespace is not valid."}
	}
	metric := form.Get("MetricName")
	if metric == "" {
		return nil, missing("MetricName")
	}
	if p := form.Get("Period"); p != "" && p != strconv.Itoa(metricPeriod) {
		return nil, invalidParameter("The simulator keeps hourly points only: Period must be %d.", metricPeriod)
	}
	now := s.opts.Now().Unix()
	start, end := now-3600, now
	if v := form.Get("StartTime"); v != "" {
		if start, ok = parseMetricTime(v); !ok {
			return nil, invalidParameter("The specified StartTime %q is not valid.", v)
		}
	}
	if v := form.Get("EndTime"); v != "" {
		if end, ok = parseMetricTime(v); !ok {
			return nil, invalidParameter("The specified EndTime %q is not valid.", v)
		}
	}
	if end < start {
		return nil, invalidParameter("The EndTime must not be before the StartTime.")
	}
	length := defaultMetricLen
	if v := form.Get("Length"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxMetricLength {
			return nil, invalidParameter("The specified Length %q is not valid; it must be 1 to %d.", v, maxMetricLength)
		}
		length = n
	}
	var dims []map[string]string
	if v := form.Get("Dimensions"); v != "" {
		if err := json.Unmarshal([]byte(v), &dims); err != nil {
			var one map[string]string
			if json.Unmarshal([]byte(v), &one) != nil {
				return nil, invalidParameter("The specified Dimensions is not valid JSON.")
			}
			dims = []map[string]string{one}
		}
	}
	if len(dims) == 0 {
		return nil, missing("Dimensions")
	}
	if len(dims) > maxDimensions {
		return nil, invalidParameter("At most %d dimensions may be queried at once.", maxDimensions)
	}
	// Points run instance by instance (in the order asked), hour by hour; the token is the
	// position of the next point.
	first := max(start/3600*3600, now/3600*3600-MetricWindowDays*86400)
	if first < start {
		first += 3600
	}
	inv := s.w.inventory(a.pub.UID)
	type span struct {
		r        *invRes
		s        series
		from, to int64 // hours [from, to) with points
	}
	var spans []span
	total := int64(0)
	for _, d := range dims {
		r := inv.byID[d["instanceId"]]
		if r == nil || r.typ != typ {
			continue
		}
		sr, ok := r.prof[metric]
		if !ok {
			continue
		}
		from := max(first, (r.created.Unix()+3599)/3600*3600)
		to := min(r.metricEnd(now), end)
		if to <= from {
			continue
		}
		spans = append(spans, span{r, sr, from, to})
		total += (to - from) / 3600
	}
	pos := int64(0)
	if t := form.Get("NextToken"); t != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(t, "p"), 10, 64)
		if err != nil || !strings.HasPrefix(t, "p") || n < 0 || n > total {
			return nil, invalidParameter("The specified NextToken is not valid.")
		}
		pos = n
	}
	points := make([]Datapoint, 0, min(int64(length), total-pos))
	skip := pos
	for _, sp := range spans {
		n := (sp.to - sp.from) / 3600
		if skip >= n {
			skip -= n
			continue
		}
		for ts := sp.from + skip*3600; ts < sp.to && len(points) < length; ts += 3600 {
			avg, hi, lo := sp.s.point(sp.r.id, ts)
			points = append(points, Datapoint{Timestamp: ts * 1000, UserID: a.pub.UID, InstanceID: sp.r.id,
				Average: avg, Maximum: hi, Minimum: lo})
		}
		skip = 0
		if len(points) == length {
			break
		}
	}
	next := ""
	if pos+int64(len(points)) < total {
		next = "p" + strconv.FormatInt(pos+int64(len(points)), 10)
	}
	body, err := json.Marshal(points)
	if err != nil {
		return nil, &apiError{http.StatusInternalServerError, "InternalError", err.Error()}
	}
	return map[string]any{"Success": true, "Code": "200", "Period": strconv.Itoa(metricPeriod), "NextToken": next,
		"Datapoints": string(body)}, nil
}
