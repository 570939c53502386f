package job

// Entry describes one job function for the jobs API: what it does and when its timer fires.
type Entry struct {
	Name        string
	Description string
	Schedule    string // the function's timer trigger in s.yaml (six-field cron)
	// Params are what "run now" may pass the job (POST /api/v1/jobs/{name}/run's body).
	Params []Param
}

// Catalog lists every job function in the order the jobs page shows them. A test checks it
// against the timer functions of s.yaml, the single source of the schedules, so the two can
// never drift; it is a Go list because deployed functions do not carry s.yaml.
var Catalog = []Entry{
	{Name: "billingsync", Description: "Pulls every account's bills, then starts budgetcheck",
		Schedule: "CRON_TZ=Asia/Shanghai 0 20 */4 * * *"},
	{Name: "budgetcheck", Description: "Evaluates every budget and raises alerts for crossed thresholds",
		Schedule: "CRON_TZ=Asia/Shanghai 0 40 * * * *"},
	{Name: "alertdispatch", Description: "Delivers pending alerts to their channels, with retries",
		Schedule: "CRON_TZ=Asia/Shanghai 0 */1 * * * *"},

	// ---- anomaly: jobs of this area go below this line ----
	{Name: "anomalydetect", Description: "Finds cost anomalies in every monitor's daily cost and raises anomaly alerts",
		Schedule: "CRON_TZ=Asia/Shanghai 0 10 9 * * *"},

	// ---- resources: jobs of this area go below this line ----
	{Name: "resourcesync", Description: "Reads every account's resources and their CloudMonitor metrics, then evaluates the idle rules",
		Schedule: "CRON_TZ=Asia/Shanghai 0 30 3 * * *"},

	// ---- explorer: jobs of this area go below this line ----

	// ---- ai: jobs of this area go below this line ----
	{Name: "reportgen", Description: "Makes last month's cost report of every account once its bills are final (run now: any month) and sends its summary to the report alert rules' channels",
		Schedule: "CRON_TZ=Asia/Shanghai 0 0 13 3 * *", Params: []Param{{Name: "month", Kind: ParamMonth}}},

	// ---- hardening: jobs of this area go below this line ----

	// ---- bills: jobs of this area go below this line ----
}

// Lookup returns the catalog entry of name.
func Lookup(name string) (Entry, bool) {
	for _, e := range Catalog {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Names are the names of every job function.
func Names() []string {
	out := make([]string, len(Catalog))
	for i, e := range Catalog {
		out[i] = e.Name
	}
	return out
}
