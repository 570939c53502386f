package app

import (
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// secretAAD binds an encrypted secret to its account, so a ciphertext copied onto another
// row does not decrypt.
func secretAAD(a account.Account) []byte {
	return []byte("cloud_account:" + string(a.Site) + ":" + a.UID)
}

// SealSecret encrypts an AccessKey secret for storage in a.SecretEnc.
func (d *Deps) SealSecret(a *account.Account, secret string) error {
	ct, err := d.Box.Seal([]byte(secret), secretAAD(*a))
	if err != nil {
		return err
	}
	a.SecretEnc = ct
	return nil
}

// OpenSecret decrypts the AccessKey secret of a.
func (d *Deps) OpenSecret(a account.Account) (string, error) {
	if !a.HasSecret() {
		return "", errs.Invalid("account %d has no AccessKey secret", a.ID)
	}
	b, err := d.Box.Open(a.SecretEnc, secretAAD(a))
	if err != nil {
		return "", errs.Wrap(errs.KindInternal, err, "stored secret of account %d cannot be decrypted (was CLOUDLENS_SECRET_KEY changed?)", a.ID)
	}
	return string(b), nil
}

// Billing returns a BSS billing client for a. Demo accounts reach the simulator; all others
// reach Alibaba Cloud (or CLOUDLENS_ALIYUN_ENDPOINT when set).
func (d *Deps) Billing(a account.Account) (*aliyun.Billing, error) {
	secret, err := d.OpenSecret(a)
	if err != nil {
		return nil, err
	}
	f := d.Aliyun
	if a.Demo {
		if d.Sim == nil {
			return nil, errs.E(errs.KindUnavailable, "account %d is a demo account, and the simulator runs only in local mode", a.ID)
		}
		f = d.Sim
	}
	creds := aliyun.Credentials{AccessKeyID: a.AccessKeyID, AccessKeySecret: secret, Account: a.ID}
	if a.AuthType == account.AuthRAMRole {
		creds.RoleARN = a.RoleARN
	}
	return f.Billing(string(a.Site), creds)
}
