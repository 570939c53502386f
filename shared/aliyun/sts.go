package aliyun

import (
	"context"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

// roleSessionName names CloudLens's sessions in the customer's ActionTrail.
const roleSessionName = "cloudlens"

// renewBefore renews assumed-role credentials this long before they expire, so a
// page request never starts with a token about to lapse.
const renewBefore = 3 * time.Minute

// stsProvider assumes a RAM role through the SDK's STS client. The SDK's own RAM-role
// provider always speaks HTTPS to STS, which the simulator cannot serve, hence this.
// Credentials are refreshed by refresh (with the caller's context) before each attempt;
// GetCredentials, called by the SDK's signer, then only reads them.
type stsProvider struct {
	f        *Factory
	base     credentials.CredentialsProvider
	roleARN  string
	endpoint string
	scheme   string
	region   string

	mu      sync.Mutex
	cur     *credentials.Credentials
	expires time.Time
}

func (p *stsProvider) refresh(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur != nil && p.f.clock.Now().Before(p.expires.Add(-renewBefore)) {
		return nil
	}
	req := sts.CreateAssumeRoleRequest()
	req.RoleArn = p.roleARN
	req.RoleSessionName = roleSessionName
	req.DurationSeconds = requests.NewInteger(3600)
	req.SetDomain(p.endpoint)
	req.SetScheme(p.scheme)
	c, err := p.f.sdkClient(ctx, p.region, p.scheme, p.base)
	if err != nil {
		return err
	}
	resp := sts.CreateAssumeRoleResponse()
	if err := c.DoAction(req, resp); err != nil {
		return err
	}
	cr := resp.Credentials
	if cr.AccessKeyId == "" || cr.AccessKeySecret == "" || cr.SecurityToken == "" {
		return &apiError{Status: resp.GetHttpStatus(), Code: "BadResponse", Message: "AssumeRole returned no credentials", RequestID: resp.RequestId}
	}
	exp, err := time.Parse(time.RFC3339, cr.Expiration)
	if err != nil {
		// Without a readable expiry assume the shortest session STS grants.
		exp = p.f.clock.Now().Add(15 * time.Minute)
	}
	p.cur = &credentials.Credentials{
		AccessKeyId:     cr.AccessKeyId,
		AccessKeySecret: cr.AccessKeySecret,
		SecurityToken:   cr.SecurityToken,
		ProviderName:    p.GetProviderName(),
	}
	p.expires = exp
	return nil
}

// GetCredentials implements credentials.CredentialsProvider for the SDK's signer.
func (p *stsProvider) GetCredentials() (*credentials.Credentials, error) {
	if err := p.refresh(context.Background()); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c := *p.cur
	return &c, nil
}

// GetProviderName implements credentials.CredentialsProvider.
func (p *stsProvider) GetProviderName() string { return "cloudlens_ram_role_arn" }
