// Command migrate applies CloudLens's database migrations to CLOUDLENS_MYSQL_DSN: the
// explicit deploy step, so no function ever migrates on a cold start.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cloudlens/cloudlens/shared/store"
)

func main() {
	dsn := os.Getenv("CLOUDLENS_MYSQL_DSN")
	if f := os.Getenv("CLOUDLENS_MYSQL_DSN_FILE"); dsn == "" && f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "migrate:", err)
			os.Exit(1)
		}
		dsn = string(b)
	}
	if dsn == "" {
		fmt.Fprintln(os.Stderr, "migrate: set CLOUDLENS_MYSQL_DSN (local mode migrates its SQLite database itself at start)")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := store.OpenMySQL(ctx, dsn, store.PoolOptions{MaxOpenConns: 2})
	if err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
		os.Exit(1)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
		os.Exit(1)
	}
	fmt.Println("migrations applied")
}
