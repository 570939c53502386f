// Package account describes the Alibaba Cloud accounts CloudLens reads bills and
// resources from: how to reach them, how they authenticate, and their sync state.
package account

import (
	"regexp"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/text"
)

// Site is the Alibaba Cloud site an account belongs to; it decides endpoints and currency.
type Site string

const (
	SiteChina         Site = "china"         // aliyun.com, bills in CNY
	SiteInternational Site = "international" // alibabacloud.com, bills in USD
)

// Currency is the billing currency of the site.
func (s Site) Currency() string {
	if s == SiteInternational {
		return "USD"
	}
	return "CNY"
}

// AuthType is how CloudLens authenticates to the account.
type AuthType string

const (
	AuthAccessKey AuthType = "access_key" // AccessKey ID + secret of a RAM user
	AuthRAMRole   AuthType = "ram_role"   // a RAM role assumed through STS with CloudLens's own AccessKey
)

// Status is the health of an account as the last connection test or sync saw it.
type Status string

const (
	StatusNew     Status = "new"
	StatusOK      Status = "ok"
	StatusFailing Status = "failing"
)

// Account is one Alibaba Cloud account. The AccessKey secret is held encrypted
// (SecretEnc) and never leaves the server.
type Account struct {
	ID            int64
	Name          string
	UID           string // Alibaba Cloud account id (numeric string)
	Site          Site
	AuthType      AuthType
	AccessKeyID   string
	SecretEnc     []byte // AES-256-GCM ciphertext of the AccessKey secret
	RoleARN       string
	Regions       []string
	Demo          bool // backed by the simulator, labelled as demo data everywhere
	Status        Status
	StatusMessage string
	LastSyncAt    *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// HasSecret reports whether an encrypted secret is stored.
func (a Account) HasSecret() bool { return len(a.SecretEnc) > 0 }

var (
	uidPattern    = regexp.MustCompile(`^[0-9]{6,20}$`)
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)
	arnPattern    = regexp.MustCompile(`^acs:ram::[0-9]{6,20}:role/[A-Za-z0-9._-]{1,64}$`)
	akPattern     = regexp.MustCompile(`^[A-Za-z0-9]{8,64}$`)
)

// Validate checks an account as a caller would create or update it. secretGiven says
// whether a new AccessKey secret comes with the request (it is write-only, so an
// update may keep the stored one).
func (a Account) Validate(secretGiven bool) error {
	var p errs.Problems
	if n := strings.TrimSpace(a.Name); n == "" {
		p.Add(errs.Required("name"))
	} else {
		p.Add(text.Check("name", n, 100))
	}
	if !uidPattern.MatchString(a.UID) {
		p.Add(errs.InvalidField("accountId", errs.ReasonFormat, "must be the numeric Alibaba Cloud account id"))
	}
	if a.Site != SiteChina && a.Site != SiteInternational {
		p.Add(errs.UnknownValue("site", a.Site, SiteChina, SiteInternational))
	}
	switch a.AuthType {
	case AuthAccessKey, AuthRAMRole:
		if !akPattern.MatchString(a.AccessKeyID) {
			p.Add(errs.InvalidField("accessKeyId", errs.ReasonFormat, "must be 8-64 letters and digits"))
		}
		if !secretGiven && !a.HasSecret() {
			p.Add(errs.Required("accessKeySecret"))
		}
		if a.AuthType == AuthRAMRole && !arnPattern.MatchString(a.RoleARN) {
			p.Add(errs.InvalidField("roleArn", errs.ReasonFormat, "must look like acs:ram::<account id>:role/<name>"))
		}
	default:
		p.Add(errs.UnknownValue("authType", a.AuthType, AuthAccessKey, AuthRAMRole))
	}
	if len(a.Regions) > 50 {
		p.Add(errs.TooMany("regions", 50))
	}
	for _, r := range a.Regions {
		if !regionPattern.MatchString(r) {
			p.Add(errs.InvalidField("regions", errs.ReasonFormat, "%s is not a region id such as cn-hangzhou", quote(r)))
			break
		}
	}
	return p.Err()
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\"" + s + "\""
}

// Scope is the set of accounts a caller may see. Store queries take it so that access
// control holds in SQL, not only in handlers.
type Scope struct {
	All bool    // every account (admins, jobs)
	IDs []int64 // otherwise only these
}

// AllAccounts is the scope of jobs and admins.
var AllAccounts = Scope{All: true}

// Contains reports whether the scope includes account id.
func (s Scope) Contains(id int64) bool {
	if s.All {
		return true
	}
	for _, x := range s.IDs {
		if x == id {
			return true
		}
	}
	return false
}

// Narrow limits the scope to the accounts in ids that it already contains: what a caller may
// see and asked for. No ids leaves the scope as it is; ids outside it are dropped, never added.
func (s Scope) Narrow(ids []int64) Scope {
	if len(ids) == 0 {
		return s
	}
	out := Scope{IDs: []int64{}}
	for _, id := range ids {
		if s.Contains(id) && !out.Contains(id) {
			out.IDs = append(out.IDs, id)
		}
	}
	return out
}
