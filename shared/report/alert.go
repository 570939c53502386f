package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
)

// DedupKey is the key of the one alert that announces the monthly report of month: a rerun of
// the job, or a "run now" of a month already made, announces nothing twice.
func DedupKey(month string) string { return alert.DedupKey(string(alert.KindReport), month) }

// DownloadPath is the web app's page that downloads report id after the reader signs in.
func DownloadPath(id int64) string { return "/reports/?download=" + strconv.FormatInt(id, 10) }

// Announcement is the alert that sends the monthly report id of month to the channels of the
// report alert rules: its summary in both languages (summary as stored, Chinese line first)
// and the link that downloads it. The link is the web app's, not a presigned one: a presigned
// link would outlive its fifteen minutes in a chat's history or give the report to anyone who
// sees the alert, while the web app asks for a sign-in and checks the reader's accounts.
func Announcement(id int64, month, summary, publicURL string, at time.Time) alert.Alert {
	zh, en, ok := strings.Cut(summary, "\n")
	if !ok {
		en = zh
	}
	url := ""
	if publicURL != "" {
		url = publicURL + DownloadPath(id)
	}
	text, textZh := en, zh
	if url != "" {
		text += "\nDownload the report: " + url
		textZh += "\n下载报告：" + url
	} else {
		text += "\nThe report is under Reports in CloudLens."
		textZh += "\n报告见 CloudLens 的“报告”页面。"
	}
	data, _ := json.Marshal(map[string]any{"reportId": id, "month": month, "downloadPath": DownloadPath(id)})
	return alert.Alert{Kind: alert.KindReport, Severity: alert.SeverityInfo,
		Title: fmt.Sprintf("CloudLens cost report %s is ready", month), TitleZh: fmt.Sprintf("CloudLens %s 费用报告已生成", month),
		Text: text, TextZh: textZh, URL: url, DedupKey: DedupKey(month), Data: data, CreatedAt: at}
}
