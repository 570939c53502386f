package billing

import "testing"

func TestProductAndRegionNames(t *testing.T) {
	tests := []struct {
		kind, code, lang, want string
		ok                     bool
	}{
		{"product", "ecs", "zh", "云服务器 ECS", true},
		{"product", "ecs", "en", "Elastic Compute Service", true},
		{"product", "ECS", "en-US", "Elastic Compute Service", true},
		{"product", "redisa", "en", "Tair (Redis OSS-Compatible)", true},
		{"product", "no-such-product", "en", "", false},
		{"region", "cn-hangzhou", "zh", "华东1（杭州）", true},
		{"region", "cn-hangzhou", "en", "China (Hangzhou)", true},
		{"region", "ap-southeast-1", "zh-CN", "新加坡", true},
		{"region", "mars-north-1", "zh", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.kind+" "+tc.code+" "+tc.lang, func(t *testing.T) {
			f := ProductName
			if tc.kind == "region" {
				f = RegionName
			}
			got, ok := f(tc.code, tc.lang)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("= %q, %t; want %q, %t", got, ok, tc.want, tc.ok)
			}
		})
	}
	// Every product with a category has names in both languages, and every region both names.
	for code := range categoryByProduct {
		if p, ok := productNames[code]; !ok || p.zh == "" || p.en == "" {
			t.Errorf("product %q has no names", code)
		}
	}
	for _, r := range regions {
		if r.zh == "" || r.en == "" {
			t.Errorf("region %q has no names", r.id)
		}
	}
}
