package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one recorded change: who (UserID 0 is the system) did what to which target.
type AuditEntry struct {
	At         time.Time
	UserID     int64
	Action     string
	TargetType string
	TargetID   string
	Detail     string
}

// Audit appends e to the audit log; a zero At means now.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = now()
	}
	_, err := s.db.ExecContext(ctx, "INSERT INTO audit_log (at, user_id, action, target_type, target_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
		s.ts(e.At), e.UserID, e.Action, e.TargetType, e.TargetID, e.Detail)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, Translate(err))
	}
	return nil
}

// ListAudit returns the newest entries first, at most limit of them (100 when limit <= 0,
// never more than 1,000).
func (s *Store) ListAudit(ctx context.Context, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	rows, err := s.db.QueryContext(ctx, "SELECT at, user_id, action, target_type, target_id, detail FROM audit_log ORDER BY at DESC, id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", Translate(err))
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(timeCol{&e.At}, &e.UserID, &e.Action, &e.TargetType, &e.TargetID, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: list audit: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list audit: %w", Translate(err))
	}
	return out, nil
}
