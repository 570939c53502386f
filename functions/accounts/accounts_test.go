package accounts

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
)

const secret = "S3cr3tAccessKeySecretValue0123"

func body(name, uid string) map[string]any {
	return map[string]any{"name": name, "accountId": uid, "site": "china", "authType": "access_key",
		"accessKeyId": "LTAI5tExampleKey", "accessKeySecret": secret, "regions": []string{"cn-hangzhou", "cn-shanghai"}}
}

func id(m map[string]any) string { return strconv.FormatInt(int64(m["id"].(float64)), 10) }

func TestAccountsCRUDAndAccess(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		ctx := context.Background()
		c := apptest.Serve(t, New(d))
		_, adminTok := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)

		r := c.Do("POST", "/api/v1/accounts", adminTok, body("Production", "1234567890123456"))
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		prod := r.Map(t)
		if prod["hasSecret"] != true || prod["currency"] != "CNY" || prod["status"] != "new" || prod["demo"] != false {
			t.Fatalf("created %s", r.Body)
		}
		r2 := c.Do("POST", "/api/v1/accounts", adminTok, body("Staging", "2234567890123456"))
		staging := r2.Map(t)

		_, editorTok := apptest.User(t, d, "editor@example.com", auth.RoleEditor, int64(prod["id"].(float64)))
		_, viewerTok := apptest.User(t, d, "viewer@example.com", auth.RoleViewer, int64(staging["id"].(float64)))
		_, noneTok := apptest.User(t, d, "none@example.com", auth.RoleViewer)

		cases := []struct {
			name, method, path, token string
			body                      any
			status                    int
		}{
			{"duplicate account", "POST", "/api/v1/accounts", adminTok, body("Again", "1234567890123456"), 409},
			{"missing secret", "POST", "/api/v1/accounts", adminTok, map[string]any{"name": "x", "accountId": "3234567890123456", "site": "china", "authType": "access_key", "accessKeyId": "LTAI5tExampleKey"}, 400},
			{"bad site and uid", "POST", "/api/v1/accounts", adminTok, map[string]any{"name": "x", "accountId": "abc", "site": "mars", "authType": "access_key", "accessKeyId": "LTAI5tExampleKey", "accessKeySecret": "s"}, 400},
			{"ram role without arn", "POST", "/api/v1/accounts", adminTok, map[string]any{"name": "x", "accountId": "3234567890123456", "site": "china", "authType": "ram_role", "accessKeyId": "LTAI5tExampleKey", "accessKeySecret": "s"}, 400},
			{"bad region", "POST", "/api/v1/accounts", adminTok, map[string]any{"name": "x", "accountId": "3234567890123456", "site": "china", "authType": "access_key", "accessKeyId": "LTAI5tExampleKey", "accessKeySecret": "s", "regions": []string{"'; DROP TABLE x"}}, 400},
			{"unknown field", "POST", "/api/v1/accounts", adminTok, map[string]any{"name": "x", "password": "y"}, 400},
			{"NUL in name", "POST", "/api/v1/accounts", adminTok, body("Prod\x00", "5234567890123456"), 400},
			{"line break in name", "PATCH", "/api/v1/accounts/" + id(prod), adminTok, map[string]any{"name": "Prod\nERROR forged"}, 400},
			{"NUL in secret", "PATCH", "/api/v1/accounts/" + id(prod), adminTok, map[string]any{"accessKeySecret": "secret\x00"}, 400},
			{"oversize body", "POST", "/api/v1/accounts", adminTok, `{"name":"` + strings.Repeat("a", 2<<20) + `"}`, 400},
			{"editor cannot create", "POST", "/api/v1/accounts", editorTok, body("E", "4234567890123456"), 403},
			{"viewer cannot update", "PATCH", "/api/v1/accounts/" + id(staging), viewerTok, map[string]any{"name": "v"}, 403},
			{"editor cannot update ungranted", "PATCH", "/api/v1/accounts/" + id(staging), editorTok, map[string]any{"name": "v"}, 404},
			{"viewer cannot read ungranted", "GET", "/api/v1/accounts/" + id(prod), viewerTok, nil, 404},
			{"editor cannot delete", "DELETE", "/api/v1/accounts/" + id(prod), editorTok, nil, 403},
			{"bad id", "GET", "/api/v1/accounts/1;DROP", adminTok, nil, 400},
			{"leading zero is not the id", "GET", "/api/v1/accounts/0" + id(prod), adminTok, nil, 400},
			{"plus sign is not the id", "GET", "/api/v1/accounts/%2B" + id(prod), adminTok, nil, 400},
			{"leading zero cannot delete", "DELETE", "/api/v1/accounts/0" + id(prod), adminTok, nil, 400},
			{"unauthenticated", "GET", "/api/v1/accounts", "", nil, 401},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				if r := c.Do(tt.method, tt.path, tt.token, tt.body); r.Status != tt.status {
					t.Fatalf("got %d %s", r.Status, r.Body)
				}
			})
		}

		visible := func(tok string) []string {
			var l struct{ Items []map[string]any }
			c.Do("GET", "/api/v1/accounts", tok, nil).JSON(t, &l)
			var names []string
			for _, a := range l.Items {
				names = append(names, a["name"].(string))
			}
			return names
		}
		for _, v := range []struct {
			tok  string
			want string
		}{{adminTok, "Production,Staging"}, {editorTok, "Production"}, {viewerTok, "Staging"}, {noneTok, ""}} {
			if got := strings.Join(visible(v.tok), ","); got != v.want {
				t.Errorf("visible accounts = %q, want %q", got, v.want)
			}
		}

		// The editor renames the granted account without resending the secret: it is kept.
		r = c.Do("PATCH", "/api/v1/accounts/"+id(prod), editorTok, map[string]any{"name": "Prod CN"})
		if r.Status != 200 || r.Map(t)["name"] != "Prod CN" || r.Map(t)["hasSecret"] != true {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
		acc, err := d.Store.GetAccount(ctx, auth.Principal{AllAccounts: true}.Scope(), int64(prod["id"].(float64)))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := d.OpenSecret(acc); err != nil || got != secret {
			t.Fatalf("secret after rename: %q %v", got, err)
		}
		// Changing the account id re-seals the stored secret under the new binding.
		if r := c.Do("PATCH", "/api/v1/accounts/"+id(prod), adminTok, map[string]any{"accountId": "5234567890123456"}); r.Status != 200 {
			t.Fatalf("change uid: %d %s", r.Status, r.Body)
		}
		acc, _ = d.Store.GetAccount(ctx, auth.Principal{AllAccounts: true}.Scope(), acc.ID)
		if got, err := d.OpenSecret(acc); err != nil || got != secret {
			t.Fatalf("secret after uid change: %q %v", got, err)
		}

		// The secret never appears in any answer, nor in clear anywhere in the database.
		for _, tok := range []string{adminTok, editorTok} {
			for _, p := range []string{"/api/v1/accounts", "/api/v1/accounts/" + id(prod)} {
				if r := c.Do("GET", p, tok, nil); bytes.Contains(r.Body, []byte(secret)) {
					t.Fatalf("%s leaks the secret: %s", p, r.Body)
				}
			}
		}
		assertNotInDB(t, d, secret)

		if r := c.Do("DELETE", "/api/v1/accounts/"+id(staging), adminTok, nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if got := strings.Join(visible(viewerTok), ","); got != "" {
			t.Fatalf("viewer still sees deleted account: %q", got)
		}
	})
}

// assertNotInDB scans every text and blob column of every table for s.
func assertNotInDB(t *testing.T, d *app.Deps, s string) {
	t.Helper()
	ctx := context.Background()
	for _, table := range []string{"cloud_accounts", "audit_log", "users", "api_keys"} {
		rows, err := d.Store.DB().QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var b []byte
				switch x := v.(type) {
				case []byte:
					b = x
				case string:
					b = []byte(x)
				}
				if bytes.Contains(b, []byte(s)) {
					t.Fatalf("%s.%s holds the secret in clear", table, cols[i])
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
}
