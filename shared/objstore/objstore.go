// Package objstore keeps generated files (monthly reports) in an object store: an OSS bucket
// through aliyun-oss-go-sdk on Function Compute, a folder under the data directory locally.
// Both hand out presigned download URLs that work without a CloudLens credential until they
// expire: OSS's own signature, or an HMAC over the key and expiry checked by the function that
// serves the folder.
package objstore

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Store keeps objects by key.
type Store interface {
	Put(ctx context.Context, key, contentType string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
	// SignURL is a URL that downloads key without credentials until ttl has passed.
	SignURL(key string, ttl time.Duration) (string, error)
}

// CheckKey refuses keys that could leave the store's folder or confuse a URL.
func CheckKey(key string) error {
	if key == "" || len(key) > 300 || strings.HasPrefix(key, "/") || strings.Contains(key, "..") || strings.ContainsAny(key, "\\?#%") {
		return errs.Invalid("object key %q is not allowed", errs.Clip(key, 60))
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f {
			return errs.Invalid("object key holds a control character")
		}
	}
	return nil
}

// OSS is a bucket of Alibaba Cloud Object Storage Service.
type OSS struct {
	bucket *oss.Bucket
}

// OSSOptions configure an OSS store.
type OSSOptions struct {
	Endpoint, Bucket                            string
	AccessKeyID, AccessKeySecret, SecurityToken string
	// PathStyle addresses the bucket in the path (a local OSS-compatible server), not the host.
	PathStyle bool
}

// NewOSS opens the bucket.
func NewOSS(o OSSOptions) (*OSS, error) {
	opts := []oss.ClientOption{oss.Timeout(10, 60)}
	if o.SecurityToken != "" {
		opts = append(opts, oss.SecurityToken(o.SecurityToken))
	}
	if o.PathStyle {
		opts = append(opts, oss.ForcePathStyle(true))
	}
	c, err := oss.New(o.Endpoint, o.AccessKeyID, o.AccessKeySecret, opts...)
	if err != nil {
		return nil, fmt.Errorf("objstore: oss client: %w", err)
	}
	b, err := c.Bucket(o.Bucket)
	if err != nil {
		return nil, fmt.Errorf("objstore: oss bucket: %w", err)
	}
	return &OSS{bucket: b}, nil
}

// Put implements Store.
func (s *OSS) Put(ctx context.Context, key, contentType string, data []byte) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := s.bucket.PutObject(key, bytes.NewReader(data), oss.ContentType(contentType), oss.WithContext(ctx)); err != nil {
		return fmt.Errorf("objstore: put %s: %w", key, err)
	}
	return nil
}

// Get implements Store.
func (s *OSS) Get(ctx context.Context, key string) ([]byte, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	r, err := s.bucket.GetObject(key, oss.WithContext(ctx))
	if err != nil {
		var se oss.ServiceError
		if errors.As(err, &se) && se.StatusCode == 404 {
			return nil, errs.NotFound("object %s not found", key)
		}
		return nil, fmt.Errorf("objstore: get %s: %w", key, err)
	}
	defer r.Close()
	return io.ReadAll(r)
}

// SignURL implements Store.
func (s *OSS) SignURL(key string, ttl time.Duration) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	u, err := s.bucket.SignURL(key, oss.HTTPGet, int64(ttl.Seconds()))
	if err != nil {
		return "", fmt.Errorf("objstore: sign %s: %w", key, err)
	}
	return u, nil
}

// Folder keeps objects as files under Dir. Its signed URLs point at BaseURL (the route that
// serves the folder, e.g. /api/v1/ai/report-files) with the key, an expiry and an HMAC in the
// query; Verify checks them.
type Folder struct {
	Dir     string
	BaseURL string
	Key     []byte
	Now     func() time.Time
}

func (f *Folder) path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(f.Dir, filepath.FromSlash(key)), nil
}

// Put implements Store.
func (f *Folder) Put(_ context.Context, key, _ string, data []byte) error {
	p, err := f.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("objstore: %w", err)
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("objstore: %w", err)
	}
	return os.Rename(tmp, p)
}

// Get implements Store.
func (f *Folder) Get(_ context.Context, key string) ([]byte, error) {
	p, err := f.path(key)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errs.NotFound("object %s not found", key)
	}
	return b, err
}

func (f *Folder) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Folder) sign(key string, expires int64) string {
	m := hmac.New(sha256.New, f.Key)
	fmt.Fprintf(m, "objstore/v1\n%s\n%d", key, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// SignURL implements Store.
func (f *Folder) SignURL(key string, ttl time.Duration) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	exp := f.now().Add(ttl).Unix()
	q := url.Values{"key": {key}, "expires": {strconv.FormatInt(exp, 10)}, "signature": {f.sign(key, exp)}}
	return f.BaseURL + "?" + q.Encode(), nil
}

// Verify checks a signed URL's key, expiry and signature.
func (f *Folder) Verify(key, expires, signature string) error {
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return errs.Forbidden("the download link is not valid")
	}
	if !hmac.Equal([]byte(f.sign(key, exp)), []byte(signature)) {
		return errs.Forbidden("the download link is not valid")
	}
	if f.now().Unix() > exp {
		return errs.Forbidden("the download link has expired; ask for a new one")
	}
	return nil
}
