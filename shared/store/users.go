package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
)

const userColumns = "id, email, name, role, password_hash, disabled, session_epoch, created_at, updated_at"

func scanUser(sc interface{ Scan(...any) error }) (auth.User, error) {
	var u auth.User
	var role string
	err := sc.Scan(&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Disabled, &u.SessionEpoch,
		timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt})
	u.Role = auth.Role(role)
	u.AccountIDs = []int64{}
	return u, err
}

// userError gives duplicate e-mails and grants of unknown accounts their own wording.
func userError(err error) error {
	err = Translate(err)
	if errs.Is(err, errs.KindConflict) {
		if msg := errs.Message(err); msg == msgReference {
			return errs.Wrap(errs.KindInvalid, err, "a granted account does not exist")
		}
		return errs.Wrap(errs.KindConflict, err, "a user with this email exists")
	}
	return err
}

// CreateUser inserts u with its account grants and sets u.ID and the timestamps.
// The e-mail is stored normalised; a taken e-mail is KindConflict.
func (s *Store) CreateUser(ctx context.Context, u *auth.User) error {
	email := auth.NormalizeEmail(u.Email)
	t := now()
	var id int64
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, password_hash, disabled, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, s.ts(t), s.ts(t))
		if err != nil {
			return userError(err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return insertGrants(ctx, tx, id, u.AccountIDs)
	})
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	u.ID, u.Email, u.CreatedAt, u.UpdatedAt = id, email, t, t
	return nil
}

// insertGrants writes the user's account grants, ignoring repeated ids.
func insertGrants(ctx context.Context, tx *sql.Tx, userID int64, accountIDs []int64) error {
	ids := uniqueIDs(accountIDs)
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(ids))
	for _, a := range ids {
		args = append(args, userID, a)
	}
	q := "INSERT INTO account_grants (user_id, account_id) VALUES " + repeatTuple("(?, ?)", len(ids))
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return userError(err)
	}
	return nil
}

// GetUser returns the user with its granted account ids.
func (s *Store) GetUser(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return auth.User{}, fmt.Errorf("store: get user %d: %w", id, notFound(err, "user not found"))
	}
	if err := s.loadGrants(ctx, []*auth.User{&u}); err != nil {
		return auth.User{}, err
	}
	return u, nil
}

// GetUserByEmail looks a user up by e-mail, case-insensitively.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (auth.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", auth.NormalizeEmail(email)))
	if err != nil {
		return auth.User{}, fmt.Errorf("store: get user by email: %w", notFound(err, "user not found"))
	}
	if err := s.loadGrants(ctx, []*auth.User{&u}); err != nil {
		return auth.User{}, err
	}
	return u, nil
}

// ListUsers returns every user with its grants, ordered by id.
func (s *Store) ListUsers(ctx context.Context) ([]auth.User, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", Translate(err))
	}
	defer rows.Close()
	users := []auth.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list users: %w", Translate(err))
	}
	ptrs := make([]*auth.User, len(users))
	for i := range users {
		ptrs[i] = &users[i]
	}
	if err := s.loadGrants(ctx, ptrs); err != nil {
		return nil, err
	}
	return users, nil
}

// loadGrants fills AccountIDs (ascending) of the given users in one query.
func (s *Store) loadGrants(ctx context.Context, users []*auth.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*auth.User, len(users))
	ids := make([]int64, 0, len(users))
	for _, u := range users {
		byID[u.ID] = u
		ids = append(ids, u.ID)
	}
	q := "SELECT user_id, account_id FROM account_grants ORDER BY user_id, account_id"
	var args []any
	// A long user list reads every grant instead: one statement must stay within the
	// dialect's parameter limit, and the grants table is small.
	if len(ids) <= 500 {
		q = "SELECT user_id, account_id FROM account_grants WHERE user_id IN (" + placeholders(len(ids)) +
			") ORDER BY user_id, account_id"
		args = int64Args(ids)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: load grants: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var uid, aid int64
		if err := rows.Scan(&uid, &aid); err != nil {
			return fmt.Errorf("store: load grants: %w", err)
		}
		if u := byID[uid]; u != nil {
			u.AccountIDs = append(u.AccountIDs, aid)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: load grants: %w", Translate(err))
	}
	return nil
}

// UpdateUser saves name, role, disabled, the password hash when one is given, and
// replaces the user's grants with u.AccountIDs. The e-mail is not changed. A new password or
// disabling the user moves its session epoch on in the same statement, which ends every
// session the user has: there is no moment where the new password is set and an old session
// still works.
func (s *Store) UpdateUser(ctx context.Context, u auth.User) error {
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		q := "UPDATE users SET name = ?, role = ?, disabled = ?, updated_at = ?"
		args := []any{u.Name, string(u.Role), u.Disabled, s.ts(now())}
		if u.PasswordHash != "" {
			q += ", password_hash = ?"
			args = append(args, u.PasswordHash)
		}
		if u.PasswordHash != "" || u.Disabled {
			q += ", session_epoch = session_epoch + 1"
		}
		res, err := tx.ExecContext(ctx, q+" WHERE id = ?", append(args, u.ID)...)
		if err != nil {
			return err
		}
		if err := rowsAffected(res, "user not found"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM account_grants WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		return insertGrants(ctx, tx, u.ID, u.AccountIDs)
	})
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	}
	return nil
}

// DeleteUser removes the user; its grants and API keys go with it.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, "DELETE FROM users WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete user %d: %w", id, Translate(err))
	}
	if err := rowsAffected(res, "user not found"); err != nil {
		return fmt.Errorf("store: delete user %d: %w", id, err)
	}
	return nil
}

// CountUsers returns how many users exist (zero means the first admin is still to be made).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", Translate(err))
	}
	return n, nil
}

// notFound translates err, naming what was not found when there was no row.
func notFound(err error, msg string) error {
	err = Translate(err)
	if errs.Is(err, errs.KindNotFound) {
		return errs.Wrap(errs.KindNotFound, err, "%s", msg)
	}
	return err
}

// uniqueIDs drops repeated ids, keeping first-seen order.
func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// repeatTuple joins n copies of tuple with commas.
func repeatTuple(tuple string, n int) string {
	b := make([]byte, 0, n*(len(tuple)+2))
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, tuple...)
	}
	return string(b)
}
