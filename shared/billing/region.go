package billing

import (
	"strings"
	"unicode"
)

// region describes one public Alibaba Cloud region with the names bills use for it:
// the Chinese display name ("华东1（杭州）"), its area prefix ("华东1"), the city ("杭州")
// and the English display name ("China (Hangzhou)") with any extra aliases.
type region struct {
	id      string
	zh      string
	area    string
	city    string
	en      string
	aliases []string
}

// regions covers the public regions of the China and international sites, including
// local regions and the finance/government clouds whose bills carry their own names.
var regions = []region{
	{"cn-qingdao", "华北1（青岛）", "华北1", "青岛", "China (Qingdao)", []string{"China North 1 (Qingdao)", "Qingdao"}},
	{"cn-beijing", "华北2（北京）", "华北2", "北京", "China (Beijing)", []string{"China North 2 (Beijing)", "Beijing"}},
	{"cn-zhangjiakou", "华北3（张家口）", "华北3", "张家口", "China (Zhangjiakou)", []string{"China North 3 (Zhangjiakou)", "Zhangjiakou"}},
	{"cn-huhehaote", "华北5（呼和浩特）", "华北5", "呼和浩特", "China (Hohhot)", []string{"China North 5 (Hohhot)", "Hohhot"}},
	{"cn-wulanchabu", "华北6（乌兰察布）", "华北6", "乌兰察布", "China (Ulanqab)", []string{"China North 6 (Ulanqab)", "Ulanqab"}},
	{"cn-hangzhou", "华东1（杭州）", "华东1", "杭州", "China (Hangzhou)", []string{"China East 1 (Hangzhou)", "Hangzhou"}},
	{"cn-shanghai", "华东2（上海）", "华东2", "上海", "China (Shanghai)", []string{"China East 2 (Shanghai)", "Shanghai"}},
	{"cn-nanjing", "华东5（南京-本地地域）", "华东5", "南京", "China (Nanjing - Local Region)", []string{"华东5（南京）", "China (Nanjing)", "Nanjing"}},
	{"cn-fuzhou", "华东6（福州-本地地域）", "华东6", "福州", "China (Fuzhou - Local Region)", []string{"华东6（福州）", "China (Fuzhou)", "Fuzhou"}},
	{"cn-shenzhen", "华南1（深圳）", "华南1", "深圳", "China (Shenzhen)", []string{"China South 1 (Shenzhen)", "Shenzhen"}},
	{"cn-heyuan", "华南2（河源）", "华南2", "河源", "China (Heyuan)", []string{"China South 2 (Heyuan)", "Heyuan"}},
	{"cn-guangzhou", "华南3（广州）", "华南3", "广州", "China (Guangzhou)", []string{"China South 3 (Guangzhou)", "Guangzhou"}},
	{"cn-chengdu", "西南1（成都）", "西南1", "成都", "China (Chengdu)", []string{"China Southwest 1 (Chengdu)", "Chengdu"}},
	{"cn-wuhan-lr", "华中1（武汉-本地地域）", "华中1", "武汉", "China (Wuhan - Local Region)", []string{"华中1（武汉）", "China (Wuhan)", "Wuhan"}},
	{"cn-hongkong", "中国香港", "", "香港", "China (Hong Kong)", []string{"中国（香港）", "香港（中国）", "Hong Kong", "Hongkong"}},
	{"ap-northeast-1", "日本（东京）", "", "东京", "Japan (Tokyo)", []string{"亚太东北1（东京）", "Tokyo"}},
	{"ap-northeast-2", "韩国（首尔）", "", "首尔", "South Korea (Seoul)", []string{"Korea (Seoul)", "Seoul"}},
	{"ap-southeast-1", "新加坡", "", "", "Singapore", []string{"亚太东南1（新加坡）", "新加坡（新加坡）"}},
	{"ap-southeast-2", "澳大利亚（悉尼）", "", "悉尼", "Australia (Sydney)", []string{"亚太东南2（悉尼）", "Sydney"}},
	{"ap-southeast-3", "马来西亚（吉隆坡）", "", "吉隆坡", "Malaysia (Kuala Lumpur)", []string{"亚太东南3（吉隆坡）", "Kuala Lumpur"}},
	{"ap-southeast-5", "印度尼西亚（雅加达）", "", "雅加达", "Indonesia (Jakarta)", []string{"印尼（雅加达）", "亚太东南5（雅加达）", "Jakarta"}},
	{"ap-southeast-6", "菲律宾（马尼拉）", "", "马尼拉", "Philippines (Manila)", []string{"Manila"}},
	{"ap-southeast-7", "泰国（曼谷）", "", "曼谷", "Thailand (Bangkok)", []string{"Bangkok"}},
	{"ap-south-1", "印度（孟买）", "", "孟买", "India (Mumbai)", []string{"亚太南部1（孟买）", "Mumbai"}},
	{"us-west-1", "美国（硅谷）", "", "硅谷", "US (Silicon Valley)", []string{"美国西部1（硅谷）", "Silicon Valley"}},
	{"us-east-1", "美国（弗吉尼亚）", "", "弗吉尼亚", "US (Virginia)", []string{"美国东部1（弗吉尼亚）", "Virginia"}},
	{"eu-central-1", "德国（法兰克福）", "", "法兰克福", "Germany (Frankfurt)", []string{"欧洲中部1（法兰克福）", "Frankfurt"}},
	{"eu-west-1", "英国（伦敦）", "", "伦敦", "UK (London)", []string{"United Kingdom (London)", "London"}},
	{"me-east-1", "阿联酋（迪拜）", "", "迪拜", "UAE (Dubai)", []string{"中东东部1（迪拜）", "Dubai"}},
	{"me-central-1", "沙特（利雅得）", "", "利雅得", "SAU (Riyadh)", []string{"沙特（利雅得）- 合作伙伴运营", "Saudi Arabia (Riyadh)", "Riyadh"}},
	{"na-south-1", "墨西哥", "", "", "Mexico", []string{"墨西哥（克雷塔罗）", "Mexico (Queretaro)"}},
	{"cn-shanghai-finance-1", "华东2 金融云", "", "", "China East 2 Finance", []string{"华东2（上海）金融云", "China (Shanghai) Finance"}},
	{"cn-shenzhen-finance-1", "华南1 金融云", "", "", "China South 1 Finance", []string{"华南1（深圳）金融云", "China (Shenzhen) Finance"}},
	{"cn-beijing-finance-1", "华北2 金融云", "", "", "China North 2 Finance", []string{"华北2（北京）金融云", "China (Beijing) Finance"}},
	{"cn-north-2-gov-1", "华北2 阿里政务云1", "", "", "China North 2 Ali Gov 1", []string{"华北2 阿里政务云", "China North 2 Gov"}},
}

// regionByName maps every normalised name form, and the id itself, to the region id.
var regionByName = func() map[string]string {
	m := make(map[string]string, len(regions)*8)
	for _, r := range regions {
		for _, n := range append([]string{r.id, r.zh, r.area, r.city, r.en}, r.aliases...) {
			if n != "" {
				m[foldRegion(n)] = r.id
			}
		}
	}
	return m
}()

// foldRegion lets "华东1（杭州）", "华东 1 (杭州)" and "china (hangzhou)" meet in one
// form: full-width brackets become ASCII, spaces go, letters are lower-cased.
func foldRegion(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '（':
			b.WriteRune('(')
		case r == '）':
			b.WriteRune(')')
		case unicode.IsSpace(r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// RegionID returns the region id for a name as bills show it ("杭州", "华北2（北京）",
// "China (Hangzhou)", "cn-hangzhou"), and false when the name is unknown.
func RegionID(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	id, ok := regionByName[foldRegion(name)]
	return id, ok
}

// zoneID turns a zone as the bill shows it into a zone id. Ids ("cn-hangzhou-h") pass
// through; display names ending in a zone letter ("杭州 可用区H", "Hangzhou Zone H")
// become "<region>-<letter>" when the region is known; anything else is kept as is.
func zoneID(zone, regionID string) string {
	z := strings.TrimSpace(zone)
	if z == "" || isZoneID(z) || regionID == "" {
		return z
	}
	for _, marker := range []string{"可用区", "zone"} {
		i := strings.LastIndex(asciiLower(z), marker)
		if i < 0 {
			continue
		}
		letter := strings.TrimSpace(z[i+len(marker):])
		if len(letter) == 1 {
			if c := asciiLower(letter)[0]; c >= 'a' && c <= 'z' {
				return regionID + "-" + string(c)
			}
		}
	}
	return z
}

func isZoneID(s string) bool {
	if len(s) < 4 || s[2] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// asciiLower lower-cases ASCII letters only, so byte offsets stay valid for the original.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
