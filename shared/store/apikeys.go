package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
)

const apiKeyColumns = "id, user_id, name, prefix, key_hash, created_at, last_used_at, revoked_at"

func scanAPIKey(sc interface{ Scan(...any) error }) (auth.APIKey, error) {
	var k auth.APIKey
	err := sc.Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.Hash,
		timeCol{&k.CreatedAt}, nullTimeCol{&k.LastUsedAt}, nullTimeCol{&k.RevokedAt})
	return k, err
}

// CreateAPIKey stores k (only its hash) and sets k.ID, and k.CreatedAt when it is zero.
// A key whose hash exists is KindConflict; an unknown owner is KindInvalid.
func (s *Store) CreateAPIKey(ctx context.Context, k *auth.APIKey) error {
	created := k.CreatedAt
	if created.IsZero() {
		created = now()
	}
	created = created.UTC().Truncate(time.Microsecond)
	res, err := s.db.ExecContext(ctx, `INSERT INTO api_keys (user_id, name, prefix, key_hash, created_at, last_used_at, revoked_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, k.UserID, k.Name, k.Prefix, k.Hash, s.ts(created), s.nullTS(k.LastUsedAt), s.nullTS(k.RevokedAt))
	if err != nil {
		err = Translate(err)
		if errs.Is(err, errs.KindConflict) && errs.Message(err) == msgReference {
			err = errs.Wrap(errs.KindInvalid, err, "the key's owner does not exist")
		} else if errs.Is(err, errs.KindConflict) {
			err = errs.Wrap(errs.KindConflict, err, "an API key with this hash exists")
		}
		return fmt.Errorf("store: create api key: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: create api key: %w", err)
	}
	k.ID, k.CreatedAt = id, created
	return nil
}

// GetAPIKeyByHash finds a key by the hash of its secret, revoked or not: the caller
// decides what a revoked key means.
func (s *Store) GetAPIKeyByHash(ctx context.Context, hash string) (auth.APIKey, error) {
	k, err := scanAPIKey(s.db.QueryRowContext(ctx, "SELECT "+apiKeyColumns+" FROM api_keys WHERE key_hash = ?", hash))
	if err != nil {
		return auth.APIKey{}, fmt.Errorf("store: get api key: %w", notFound(err, "API key not found"))
	}
	return k, nil
}

// ListAPIKeys returns the keys of userID (0: of every user), ordered by id.
func (s *Store) ListAPIKeys(ctx context.Context, userID int64) ([]auth.APIKey, error) {
	q := "SELECT " + apiKeyColumns + " FROM api_keys"
	var args []any
	if userID != 0 {
		q += " WHERE user_id = ?"
		args = append(args, userID)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: list api keys: %w", Translate(err))
	}
	defer rows.Close()
	keys := []auth.APIKey{}
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list api keys: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list api keys: %w", Translate(err))
	}
	return keys, nil
}

// RevokeAPIKey marks key id revoked at `at`. With userID != 0 only that user's key
// matches, so a user cannot revoke another's key (KindNotFound, not Forbidden, so key
// ids of others are not disclosed). Revoking twice keeps the first time.
func (s *Store) RevokeAPIKey(ctx context.Context, userID, id int64, at time.Time) error {
	q := "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?"
	args := []any{s.ts(at), id}
	if userID != 0 {
		q += " AND user_id = ?"
		args = append(args, userID)
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: revoke api key %d: %w", id, Translate(err))
	}
	if err := rowsAffected(res, "API key not found"); err != nil {
		return fmt.Errorf("store: revoke api key %d: %w", id, err)
	}
	return nil
}

// TouchAPIKey records that key id was used at `at`.
func (s *Store) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	res, err := s.db.ExecContext(ctx, "UPDATE api_keys SET last_used_at = ? WHERE id = ?", s.ts(at), id)
	if err != nil {
		return fmt.Errorf("store: touch api key %d: %w", id, Translate(err))
	}
	if err := rowsAffected(res, "API key not found"); err != nil {
		return fmt.Errorf("store: touch api key %d: %w", id, err)
	}
	return nil
}
