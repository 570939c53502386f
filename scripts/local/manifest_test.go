package main

import (
	sharedjob "github.com/cloudlens/cloudlens/shared/job"

	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFunctionsAgree is the guard DESIGN §2 asks for: the directories under functions/, the
// functions in s.yaml and the local runner's registry are the same set.
func TestFunctionsAgree(t *testing.T) {
	m, err := LoadManifest(filepath.Join("..", "..", "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join("..", "..", "functions"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs, manifest, reg []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	for _, f := range m.Functions {
		manifest = append(manifest, f.Dir)
	}
	for d := range registry {
		reg = append(reg, d)
	}
	slices.Sort(dirs)
	slices.Sort(manifest)
	slices.Sort(reg)
	if !slices.Equal(dirs, manifest) || !slices.Equal(dirs, reg) {
		t.Fatalf("functions disagree:\n functions/: %v\n s.yaml:     %v\n registry:   %v", dirs, manifest, reg)
	}
	if err := checkRegistry(m); err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Functions {
		if _, err := os.Stat(filepath.Join("..", "..", "functions", f.Dir, "bootstrap", "main.go")); err != nil {
			t.Errorf("function %s has no bootstrap/main.go", f.Dir)
		}
	}
}

func TestParseManifestProblems(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		problems []string
	}{
		{name: "valid", yaml: `
resources:
  costs: {component: fc3, props: {functionName: cloudlens-costs, code: ./dist/costs, triggers: [{triggerName: http, triggerType: http}]}}
  sync:
    component: fc3
    props:
      functionName: cloudlens-billingsync
      code: ./dist/billingsync
      triggers: [{triggerName: t, triggerType: timer, triggerConfig: {cronExpression: "CRON_TZ=Asia/Shanghai 0 0 */6 * * *", payload: "{}"}}]
  domain: {component: fc3-domain, props: {routeConfig: {routes: [{functionName: cloudlens-costs, path: /api/v1/costs/*}]}}}
`},
		{name: "every problem named", yaml: `
resources:
  a: {component: fc3, props: {functionName: wrong-name, code: ./dist/costs, triggers: [{triggerName: http, triggerType: http}]}}
  b: {component: fc3, props: {functionName: cloudlens-x, code: ./build/x}}
  c: {component: fc3, props: {functionName: cloudlens-sync, code: ./dist/sync, triggers: [{triggerName: t, triggerType: timer, triggerConfig: {cronExpression: "every day"}}]}}
  d: {component: fc3-domain, props: {routeConfig: {routes: [{functionName: cloudlens-ghost, path: /api/v1/ghost}, {functionName: wrong-name, path: "/etc/passwd"}]}}}
  e: {component: oss}
`, problems: []string{"functionName \"wrong-name\" must be cloudlens-costs", "code \"./build/x\"", "cron \"every day\"", "function \"cloudlens-ghost\" is not declared", "route path \"/etc/passwd\"", "unknown component \"oss\""}},
		{name: "not yaml", yaml: "resources: [", problems: []string{"s.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseManifest([]byte(tt.yaml))
			if len(tt.problems) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if len(m.Functions) != 2 || len(m.Routes) != 1 || m.Routes[0].Pattern() != "/api/v1/costs/" {
					t.Fatalf("manifest = %+v", m)
				}
				for _, f := range m.Functions {
					if f.Dir == "billingsync" && (len(f.Timers) != 1 || f.Timers[0].Payload != "{}") {
						t.Fatalf("timer not parsed: %+v", f)
					}
				}
				return
			}
			if err == nil {
				t.Fatal("expected problems")
			}
			for _, p := range tt.problems {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("missing %q in:\n%v", p, err)
				}
			}
		})
	}
}

// TestJobCatalogAgrees keeps the jobs API's catalog (which deployed functions carry, s.yaml
// being absent there) equal to s.yaml's timer functions and their schedules, and every job
// function runnable in process by "run now".
func TestJobCatalogAgrees(t *testing.T) {
	m, err := LoadManifest(filepath.Join("..", "..", "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	timers := map[string]string{}
	for _, f := range m.Functions {
		for _, tm := range f.Timers {
			timers[f.Dir] = tm.Cron
		}
	}
	catalog := map[string]string{}
	for _, e := range sharedjob.Catalog {
		catalog[e.Name] = e.Schedule
	}
	for _, f := range m.Functions {
		if _, ok := catalog[f.Dir]; ok && !f.HTTP {
			t.Errorf("job %s has no HTTP trigger in s.yaml: run now cannot invoke it", f.Dir)
		}
	}
	for name, cron := range timers {
		if catalog[name] != cron {
			t.Errorf("job %s: s.yaml fires it at %q, the catalog says %q", name, cron, catalog[name])
		}
	}
	for name := range catalog {
		if _, ok := timers[name]; !ok {
			t.Errorf("job %s is in the catalog but has no timer in s.yaml", name)
		}
		if _, ok := registry[name]; !ok {
			t.Errorf("job %s is not in the registry: run now could not start it locally", name)
		}
	}
}
