package accounts

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
)

// TestConnectionTestTellsCauses: a failing connection test says whether the credentials, the
// network (a name that does not resolve, nothing listening, a timeout) or Alibaba Cloud's
// own refusal is at fault, with a message code and parameters the web app words in the
// user's language.
func TestConnectionTestTellsCauses(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		w, _ := startSim(t, d, aliyunsim.Config{Seed: 3, Accounts: 1, Resources: 1})
		sa := w.Accounts()[0]
		_, tok := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
		c := apptest.Serve(t, New(d))
		fast := func(int) time.Duration { return time.Millisecond }

		// A port where nothing listens, and one that accepts and never answers.
		closed, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closedAddr := closed.Addr().String()
		closed.Close()
		silent, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { silent.Close() })
		go func() {
			for {
				conn, err := silent.Accept()
				if err != nil {
					return
				}
				defer conn.Close()
			}
		}()

		sim := d.Sim
		for i, tc := range []struct {
			name, endpoint, secret string
			timeout                time.Duration
			cause, code, param     string
		}{
			{"wrong secret", "", "NotTheSecretNotTheSecretNotTheSecret", 0, "credentials", aliyun.CauseCredentials, "code"},
			{"name does not resolve", "no-such-host.invalid:80", sa.AccessKeySecret, 0, "network", aliyun.CauseDNS, "host"},
			{"nothing listening", closedAddr, sa.AccessKeySecret, 0, "network", aliyun.CauseUnreachable, ""},
			{"no answer in time", silent.Addr().String(), sa.AccessKeySecret, 200 * time.Millisecond, "network", aliyun.CauseTimeout, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d.Sim = sim
				if tc.endpoint != "" {
					d.Sim = aliyun.NewFactory(aliyun.Options{Endpoint: tc.endpoint, Insecure: true, MaxRetries: 1, Backoff: fast, Timeout: tc.timeout}, d.Log)
				}
				one := sa
				one.UID = fmt.Sprintf("%s%d", sa.UID, i) // one account per case, on the same simulated keys
				acc := addDemoAccount(t, d, one, tc.secret)
				start := time.Now()
				r := c.Do("POST", fmt.Sprintf("/api/v1/accounts/%d/test", acc.ID), tok, nil)
				if r.Status != 200 {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				var got struct {
					OK          bool              `json:"ok"`
					Message     string            `json:"message"`
					Cause       string            `json:"cause"`
					MessageCode string            `json:"messageCode"`
					Params      map[string]string `json:"params"`
				}
				r.JSON(t, &got)
				if got.OK || got.Cause != tc.cause || got.MessageCode != tc.code || got.Message == "" {
					t.Fatalf("answer %s", r.Body)
				}
				if tc.param != "" && got.Params[tc.param] == "" {
					t.Fatalf("no %s parameter: %s", tc.param, r.Body)
				}
				if tc.code == aliyun.CauseDNS && time.Since(start) > 5*time.Second {
					t.Errorf("a name that does not resolve took %s to report", time.Since(start))
				}
			})
		}
		d.Sim = sim
		// Other errors keep their coded answer, never internal detail.
		r := c.Do("POST", "/api/v1/accounts/999999/test", tok, nil)
		if r.Status != 404 {
			t.Fatalf("unknown account: %d %s", r.Status, r.Body)
		}
	})
}
