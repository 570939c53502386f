package store

import (
	"context"
	"fmt"

	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
)

const viewColumns = "v.id, v.owner_id, COALESCE(u.email, ''), v.name, v.query, v.shared, v.pinned, v.created_at, v.updated_at"

func scanView(sc interface{ Scan(...any) error }) (cost.View, error) {
	var v cost.View
	err := sc.Scan(&v.ID, &v.OwnerID, &v.OwnerEmail, &v.Name, &v.Query, &v.Shared, &v.Pinned, timeCol{&v.CreatedAt}, timeCol{&v.UpdatedAt})
	return v, err
}

// CreateView inserts v and sets its id and timestamps.
func (s *Store) CreateView(ctx context.Context, v *cost.View) error {
	t := now()
	res, err := s.db.ExecContext(ctx, "INSERT INTO cost_views (owner_id, name, query, shared, pinned, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		v.OwnerID, v.Name, v.Query, v.Shared, v.Pinned, s.ts(t), s.ts(t))
	if err != nil {
		return fmt.Errorf("store: create view: %w", Translate(err))
	}
	if v.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("store: create view: %w", err)
	}
	v.CreatedAt, v.UpdatedAt = t, t
	return nil
}

// GetView returns view id whoever owns it; the caller decides who may see it.
func (s *Store) GetView(ctx context.Context, id int64) (cost.View, error) {
	v, err := scanView(s.db.QueryRowContext(ctx, "SELECT "+viewColumns+" FROM cost_views v LEFT JOIN users u ON u.id = v.owner_id WHERE v.id = ?", id))
	if err != nil {
		return v, fmt.Errorf("store: get view %d: %w", id, translateNotFound(err, "view not found"))
	}
	return v, nil
}

// ListViews returns the views user owns and the shared ones, by name.
func (s *Store) ListViews(ctx context.Context, userID int64) ([]cost.View, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+viewColumns+" FROM cost_views v LEFT JOIN users u ON u.id = v.owner_id"+
		" WHERE v.owner_id = ? OR v.shared = ? ORDER BY v.name, v.id", userID, true)
	if err != nil {
		return nil, fmt.Errorf("store: list views: %w", Translate(err))
	}
	defer rows.Close()
	out := []cost.View{}
	for rows.Next() {
		v, err := scanView(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list views: %w", Translate(err))
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list views: %w", Translate(err))
	}
	return out, nil
}

// UpdateView writes v's name, query, shared and pinned and sets its UpdatedAt.
func (s *Store) UpdateView(ctx context.Context, v *cost.View) error {
	t := now()
	res, err := s.db.ExecContext(ctx, "UPDATE cost_views SET name = ?, query = ?, shared = ?, pinned = ?, updated_at = ? WHERE id = ?",
		v.Name, v.Query, v.Shared, v.Pinned, s.ts(t), v.ID)
	if err != nil {
		return fmt.Errorf("store: update view: %w", Translate(err))
	}
	if err := rowsAffected(res, "view not found"); err != nil {
		return fmt.Errorf("store: update view %d: %w", v.ID, err)
	}
	v.UpdatedAt = t
	return nil
}

// DeleteView deletes view id.
func (s *Store) DeleteView(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, "DELETE FROM cost_views WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete view: %w", Translate(err))
	}
	if err := rowsAffected(res, "view not found"); err != nil {
		return fmt.Errorf("store: delete view %d: %w", id, err)
	}
	return nil
}

// translateNotFound is Translate with sql.ErrNoRows as errs.KindNotFound saying msg.
func translateNotFound(err error, msg string) error {
	err = Translate(err)
	if errs.Is(err, errs.KindNotFound) {
		return errs.NotFound("%s", msg)
	}
	return err
}
