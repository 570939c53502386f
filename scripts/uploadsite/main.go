// Command uploadsite publishes the static frontend (the Next.js export) to an OSS bucket,
// with content types and cache headers chosen per file, so the CDN in front can cache
// hashed assets forever and always revalidate HTML and config.json.
//
//	go run ./scripts/uploadsite -dir frontend/out -bucket my-site -endpoint https://oss-cn-hangzhou.aliyuncs.com
//
// Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and,
// for STS credentials, ALIBABA_CLOUD_SECURITY_TOKEN.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

type config struct {
	dir, bucket, endpoint, prefix string
	accessKeyID, accessKeySecret  string
	securityToken                 string
	parallel                      int
	dryRun                        bool
	cdnHeaders                    bool
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("uploadsite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.dir, "dir", "frontend/out", "static site folder to upload")
	fs.StringVar(&c.bucket, "bucket", getenv("CLOUDLENS_OSS_BUCKET"), "OSS bucket (default $CLOUDLENS_OSS_BUCKET)")
	fs.StringVar(&c.endpoint, "endpoint", getenv("CLOUDLENS_OSS_ENDPOINT"), "OSS endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com (default $CLOUDLENS_OSS_ENDPOINT)")
	fs.StringVar(&c.prefix, "prefix", "", "key prefix inside the bucket")
	fs.IntVar(&c.parallel, "parallel", 8, "uploads in flight at once")
	fs.BoolVar(&c.dryRun, "dry-run", false, "list what would be uploaded, upload nothing")
	fs.BoolVar(&c.cdnHeaders, "cdn-headers", false, "print the security headers the CDN must add to every answer, upload nothing")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.accessKeyID = getenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
	c.accessKeySecret = getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	c.securityToken = getenv("ALIBABA_CLOUD_SECURITY_TOKEN")

	// Report every problem at once rather than one per attempt.
	var problems []string
	if c.parallel < 1 {
		problems = append(problems, "-parallel must be at least 1")
	}
	if !c.dryRun && !c.cdnHeaders {
		if c.bucket == "" {
			problems = append(problems, "-bucket or CLOUDLENS_OSS_BUCKET is required")
		}
		if c.endpoint == "" {
			problems = append(problems, "-endpoint or CLOUDLENS_OSS_ENDPOINT is required")
		}
		if c.accessKeyID == "" || c.accessKeySecret == "" {
			problems = append(problems, "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are required")
		}
	}
	if len(problems) > 0 {
		return c, errors.New(strings.Join(problems, "; "))
	}
	return c, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "uploadsite:", err)
		return 2
	}
	if c.cdnHeaders {
		api, err := apiBaseOf(c.dir)
		if err != nil {
			fmt.Fprintln(stderr, "uploadsite:", err)
			return 1
		}
		for _, h := range cdnHeaders(api) {
			fmt.Fprintf(stdout, "%s: %s\n", h.Name, h.Value)
		}
		return 0
	}
	files, err := plan(c.dir, c.prefix)
	if err != nil {
		fmt.Fprintln(stderr, "uploadsite:", err)
		return 1
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "uploadsite: %s holds no files; build the frontend first\n", c.dir)
		return 1
	}
	if c.dryRun {
		var total int64
		for _, f := range files {
			fmt.Fprintf(stdout, "%s\t%d\t%s\t%s\n", f.Key, f.Size, f.ContentType, f.CacheControl)
			total += f.Size
		}
		fmt.Fprintf(stdout, "dry run: %d files, %d bytes, nothing uploaded\n", len(files), total)
		return 0
	}

	opts := []oss.ClientOption{oss.Timeout(10, 120)}
	if c.securityToken != "" {
		opts = append(opts, oss.SecurityToken(c.securityToken))
	}
	client, err := oss.New(c.endpoint, c.accessKeyID, c.accessKeySecret, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "uploadsite: OSS client for %s: %v\n", c.endpoint, err)
		return 1
	}
	bucket, err := client.Bucket(c.bucket)
	if err != nil {
		fmt.Fprintf(stderr, "uploadsite: bucket %q: %v\n", c.bucket, err)
		return 1
	}

	start := time.Now()
	failures := upload(ctx, bucket, files, c.parallel, stdout)
	var bytes int64
	for _, f := range files {
		bytes += f.Size
	}
	fmt.Fprintf(stdout, "uploaded %d of %d files (%d bytes) to oss://%s/%s in %s\n",
		len(files)-len(failures), len(files), bytes, c.bucket, strings.Trim(c.prefix, "/"),
		time.Since(start).Round(time.Millisecond))
	if len(failures) > 0 {
		fmt.Fprintf(stderr, "uploadsite: %d files failed:\n", len(failures))
		for _, f := range failures {
			fmt.Fprintf(stderr, "  %s: %v\n", f.key, f.err)
		}
		return 1
	}
	return 0
}

// putter is the part of *oss.Bucket the upload needs.
type putter interface {
	PutObject(key string, r io.Reader, options ...oss.Option) error
}

type failure struct {
	key string
	err error
}

// upload puts files with at most parallel requests in flight, prints one progress line per
// file, and returns the failures in the order of files. A cancelled ctx fails what has not
// started yet instead of leaving it out of the report.
func upload(ctx context.Context, b putter, files []file, parallel int, progress io.Writer) []failure {
	errs := make([]error, len(files))
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	next := make(chan int)
	for range min(parallel, len(files)) {
		wg.Go(func() {
			for i := range next {
				err := ctx.Err()
				if err == nil {
					err = putFile(b, files[i])
				}
				errs[i] = err
				mu.Lock()
				done++
				status := "ok"
				if err != nil {
					status = "FAILED"
				}
				fmt.Fprintf(progress, "[%d/%d] %s %s\n", done, len(files), status, files[i].Key)
				mu.Unlock()
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	var failures []failure
	for i, err := range errs {
		if err != nil {
			failures = append(failures, failure{key: files[i].Key, err: err})
		}
	}
	return failures
}

func putFile(b putter, f file) error {
	r, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer r.Close()
	if err := b.PutObject(f.Key, r, oss.ContentType(f.ContentType), oss.CacheControl(f.CacheControl)); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	return nil
}
