package anomaly

import "testing"

func TestDescribeInNamesTheProduct(t *testing.T) {
	for _, tc := range []struct {
		m        Monitor
		lang     string
		want     string
		wantName string
	}{
		{Monitor{Dim: MonProduct, Value: "ecs"}, "zh", "产品 云服务器 ECS", "产品 云服务器 ECS"},
		{Monitor{Dim: MonAccountProduct, Value: "ecs"}, "en", "product Elastic Compute Service", "product Elastic Compute Service"},
		{Monitor{Dim: MonAccount}, "zh", "账号总费用", "账号总费用"},
		{Monitor{Dim: MonAccount}, "en", "account total", "account total"},
		{Monitor{Dim: MonTag, Key: "env", Value: "prod"}, "zh", "标签 env=prod", "标签 env=prod"},
		{Monitor{Dim: MonProduct, Value: "no-such-product"}, "zh", "产品 no-such-product", "产品 no-such-product"},
		{Monitor{Name: "Shop", Dim: MonProduct, Value: "ecs"}, "zh", "产品 云服务器 ECS", "Shop"},
	} {
		if got := tc.m.DescribeIn(tc.lang); got != tc.want {
			t.Errorf("%+v DescribeIn(%s) = %q, want %q", tc.m, tc.lang, got, tc.want)
		}
		if got := tc.m.LabelIn(tc.lang); got != tc.wantName {
			t.Errorf("%+v LabelIn(%s) = %q, want %q", tc.m, tc.lang, got, tc.wantName)
		}
	}
}
