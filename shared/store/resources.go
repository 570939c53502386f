package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/resource"
)

// resourceCols are the written columns of resources, in the order resourceArgs gives them.
var resourceCols = []string{"account_id", "resource_id", "type", "region", "zone", "name", "status", "charge_type", "spec",
	"tags", "created_at", "released_at", "expires_at", "auto_renew", "status_since", "attached_to", "attached_type",
	"source_id", "size_gb", "bandwidth_mbps", "internet_charge_type", "backends", "snat_entries", "dnat_entries", "attrs",
	"content_hash", "first_seen_at", "last_seen_at", "updated_at"}

const resourceColumns = "r.id, r.account_id, r.resource_id, r.type, r.region, r.zone, r.name, r.status, r.charge_type, r.spec, " +
	"r.tags, r.created_at, r.released_at, r.expires_at, r.auto_renew, r.status_since, r.attached_to, r.attached_type, " +
	"r.source_id, r.size_gb, r.bandwidth_mbps, r.internet_charge_type, r.backends, r.snat_entries, r.dnat_entries, r.attrs, " +
	"r.first_seen_at, r.last_seen_at, r.updated_at"

// resourceContent is what a sync compares to tell a changed resource from an unchanged one:
// every field the provider gives, none that the store keeps about its own syncs.
type resourceContent struct {
	Type, Region, Zone, Name, Status, ChargeType, Spec string
	Tags                                               map[string]string
	Created, Released, Expires                         string
	AutoRenew                                          bool
	AttachedTo, AttachedType, SourceID                 string
	SizeGB, BandwidthMbps                              int
	InternetChargeType                                 string
	Backends                                           []resource.Backend
	SNAT, DNAT                                         int
	Attrs                                              map[string]any
}

func timeText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// contentHash is 16 hex digits of FNV-64a over the resource's provider fields (JSON encodes
// maps with sorted keys, so equal content hashes equally).
func contentHash(r *resource.Resource) (string, error) {
	created := r.CreatedAt
	b, err := json.Marshal(resourceContent{
		Type: string(r.Type), Region: r.Region, Zone: r.Zone, Name: r.Name, Status: r.Status, ChargeType: string(r.ChargeType),
		Spec: r.Spec, Tags: r.Tags, Created: timeText(&created), Released: timeText(r.ReleasedAt), Expires: timeText(r.ExpiresAt),
		AutoRenew: r.AutoRenew, AttachedTo: r.AttachedTo, AttachedType: string(r.AttachedType), SourceID: r.SourceID,
		SizeGB: r.SizeGB, BandwidthMbps: r.BandwidthMbps, InternetChargeType: r.InternetChargeType, Backends: r.Backends,
		SNAT: r.SNATEntries, DNAT: r.DNATEntries, Attrs: r.Attrs,
	})
	if err != nil {
		return "", err
	}
	h := fnv.New64a()
	h.Write(b)
	var sum [8]byte
	binary.BigEndian.PutUint64(sum[:], h.Sum64())
	return hex.EncodeToString(sum[:]), nil
}

// resourceArgs gives the values of resourceCols for r; status_since and first_seen_at are
// the caller's.
func (s *Store) resourceArgs(r *resource.Resource, hash string, statusSince, firstSeen, at time.Time) ([]any, error) {
	tags := r.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	tj, err := json.Marshal(tags)
	if err != nil {
		return nil, err
	}
	backends := r.Backends
	if backends == nil {
		backends = []resource.Backend{}
	}
	bj, err := json.Marshal(backends)
	if err != nil {
		return nil, err
	}
	aj, err := resource.AttrsJSON(r.Attrs)
	if err != nil {
		return nil, err
	}
	return []any{r.AccountID, r.ResourceID, string(r.Type), r.Region, r.Zone, truncate(r.Name, 256), r.Status,
		string(r.ChargeType), r.Spec, string(tj), s.ts(r.CreatedAt), s.nullTS(r.ReleasedAt), s.nullTS(r.ExpiresAt), r.AutoRenew,
		s.ts(statusSince), r.AttachedTo, string(r.AttachedType), r.SourceID, r.SizeGB, r.BandwidthMbps, r.InternetChargeType,
		string(bj), r.SNATEntries, r.DNATEntries, aj, hash, s.ts(firstSeen), s.ts(at), s.ts(at)}, nil
}

func scanResource(sc interface{ Scan(...any) error }) (resource.Resource, error) {
	var r resource.Resource
	var typ, charge, attachedType, tags, backends, attrs string
	if err := sc.Scan(&r.ID, &r.AccountID, &r.ResourceID, &typ, &r.Region, &r.Zone, &r.Name, &r.Status, &charge, &r.Spec,
		&tags, timeCol{&r.CreatedAt}, nullTimeCol{&r.ReleasedAt}, nullTimeCol{&r.ExpiresAt}, &r.AutoRenew,
		timeCol{&r.StatusSince}, &r.AttachedTo, &attachedType, &r.SourceID, &r.SizeGB, &r.BandwidthMbps,
		&r.InternetChargeType, &backends, &r.SNATEntries, &r.DNATEntries, &attrs, timeCol{&r.FirstSeenAt},
		timeCol{&r.LastSeenAt}, timeCol{&r.UpdatedAt}); err != nil {
		return r, err
	}
	r.Type, r.ChargeType, r.AttachedType = resource.Type(typ), resource.ChargeType(charge), resource.Type(attachedType)
	if err := json.Unmarshal([]byte(tags), &r.Tags); err != nil {
		return r, fmt.Errorf("resource %d: tags: %w", r.ID, err)
	}
	if r.Tags == nil {
		r.Tags = map[string]string{}
	}
	if err := json.Unmarshal([]byte(backends), &r.Backends); err != nil {
		return r, fmt.Errorf("resource %d: backends: %w", r.ID, err)
	}
	if len(r.Backends) == 0 {
		r.Backends = nil
	}
	if err := json.Unmarshal([]byte(attrs), &r.Attrs); err != nil {
		return r, fmt.Errorf("resource %d: attrs: %w", r.ID, err)
	}
	if len(r.Attrs) == 0 {
		r.Attrs = nil
	}
	return r, nil
}

// InventoryChange counts what SyncInventory did.
type InventoryChange struct {
	Added, Updated, Unchanged, Released int
}

type storedResource struct {
	id       int64
	hash     string
	status   string
	typ      resource.Type
	released bool
}

// SyncInventory makes the stored inventory of accountID match items, a complete read of the
// types listed: new resources are added, changed ones updated, and stored resources of those
// types that are missing from items are marked released at `at` (kept, never deleted). A
// resource that reappears loses its release. All in one transaction, so a reader sees the
// inventory before or after, never half of it. Callers must only pass a complete read: a
// partial one would release what it failed to read.
func (s *Store) SyncInventory(ctx context.Context, accountID int64, types []resource.Type, items []resource.Resource, at time.Time) (InventoryChange, error) {
	var ch InventoryChange
	at = at.UTC().Truncate(time.Microsecond)
	seen := make(map[string]bool, len(items))
	for i := range items {
		r := &items[i]
		if r.AccountID != accountID {
			return ch, fmt.Errorf("store: sync inventory: resource %s belongs to account %d, not %d", r.ResourceID, r.AccountID, accountID)
		}
		if r.ResourceID == "" || !r.Type.Valid() {
			return ch, fmt.Errorf("store: sync inventory: %w", errs.Invalid("resource %q of type %q", r.ResourceID, r.Type))
		}
		if seen[r.ResourceID] {
			return ch, fmt.Errorf("store: sync inventory: %w", errs.Invalid("resource %s listed twice", r.ResourceID))
		}
		seen[r.ResourceID] = true
	}
	// Accounts sync concurrently: writeTx runs at READ COMMITTED on MySQL and reruns a
	// deadlock victim, so the counts start from zero on every attempt.
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		ch = InventoryChange{}
		stored, err := storedResources(ctx, tx, accountID)
		if err != nil {
			return err
		}
		var inserts [][]any
		var insertIDs []string
		tagsOf := map[string]map[string]string{}
		namesOf := map[string]string{}
		for i := range items {
			r := &items[i]
			hash, err := contentHash(r)
			if err != nil {
				return err
			}
			old, ok := stored[r.ResourceID]
			if !ok {
				// First sight: the status has held at least since the provider says, else
				// (nothing better being known) since the resource was made.
				since := r.StatusSince
				if since.IsZero() {
					since = r.CreatedAt
				}
				args, err := s.resourceArgs(r, hash, since, at, at)
				if err != nil {
					return err
				}
				inserts = append(inserts, args)
				insertIDs = append(insertIDs, r.ResourceID)
				tagsOf[r.ResourceID] = r.Tags
				namesOf[r.ResourceID] = r.Name
				ch.Added++
				continue
			}
			if old.hash == hash && !old.released {
				ch.Unchanged++
				continue
			}
			if err := s.updateResource(ctx, tx, old, r, hash, at); err != nil {
				return err
			}
			if err := replaceTags(ctx, tx, old.id, r.Tags); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM resource_terms WHERE resource_row = ?", old.id); err != nil {
				return fmt.Errorf("resource terms: %w", Translate(err))
			}
			if err := s.insertTerms(ctx, tx, accountID, map[string]int64{r.ResourceID: old.id}, map[string]string{r.ResourceID: r.Name}); err != nil {
				return err
			}
			ch.Updated++
		}
		perRow := len(resourceCols)
		batch := s.dialect.MaxParams() / perRow
		batch = min(batch, 500)
		for start := 0; start < len(inserts); start += batch {
			end := min(start+batch, len(inserts))
			q := s.dialect.Upsert("resources", resourceCols, []string{"account_id", "resource_id"}, nil, end-start)
			args := make([]any, 0, (end-start)*perRow)
			for _, a := range inserts[start:end] {
				args = append(args, a...)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("insert resources: %w", Translate(err))
			}
		}
		if len(insertIDs) > 0 {
			ids, err := resourceRowIDs(ctx, tx, accountID, insertIDs)
			if err != nil {
				return err
			}
			var tagRows []any
			n := 0
			flush := func() error {
				if n == 0 {
					return nil
				}
				q := s.dialect.Upsert("resource_tags", []string{"resource_row", "tag_key", "tag_value"}, []string{"resource_row", "tag_key"}, []string{"tag_value"}, n)
				if _, err := tx.ExecContext(ctx, q, tagRows...); err != nil {
					return fmt.Errorf("insert resource tags: %w", Translate(err))
				}
				tagRows, n = tagRows[:0], 0
				return nil
			}
			if err := s.insertTerms(ctx, tx, accountID, ids, namesOf); err != nil {
				return err
			}
			for _, rid := range insertIDs {
				for k, v := range tagsOf[rid] {
					tagRows = append(tagRows, ids[rid], k, v)
					if n++; n == 1000 {
						if err := flush(); err != nil {
							return err
						}
					}
				}
			}
			if err := flush(); err != nil {
				return err
			}
		}
		var gone []int64
		for rid, old := range stored {
			if !seen[rid] && !old.released && slices.Contains(types, old.typ) {
				gone = append(gone, old.id)
			}
		}
		slices.Sort(gone)
		for start := 0; start < len(gone); start += 500 {
			part := gone[start:min(start+500, len(gone))]
			args := append([]any{s.ts(at), resource.StatusReleased, s.ts(at), s.ts(at)}, int64Args(part)...)
			if _, err := tx.ExecContext(ctx, "UPDATE resources SET released_at = ?, status = ?, status_since = ?, updated_at = ?, "+
				"content_hash = '' WHERE id IN ("+placeholders(len(part))+")", args...); err != nil {
				return fmt.Errorf("release resources: %w", Translate(err))
			}
		}
		ch.Released = len(gone)
		if _, err := tx.ExecContext(ctx, "UPDATE resources SET last_seen_at = ? WHERE account_id = ? AND released_at IS NULL",
			s.ts(at), accountID); err != nil {
			return fmt.Errorf("touch resources: %w", Translate(err))
		}
		return nil
	})
	if err != nil {
		return InventoryChange{}, fmt.Errorf("store: sync inventory of account %d: %w", accountID, err)
	}
	return ch, nil
}

func storedResources(ctx context.Context, tx *sql.Tx, accountID int64) (map[string]storedResource, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, resource_id, content_hash, status, type, released_at IS NOT NULL FROM resources WHERE account_id = ?", accountID)
	if err != nil {
		return nil, Translate(err)
	}
	defer rows.Close()
	out := map[string]storedResource{}
	for rows.Next() {
		var r storedResource
		var rid, typ string
		if err := rows.Scan(&r.id, &rid, &r.hash, &r.status, &typ, &r.released); err != nil {
			return nil, Translate(err)
		}
		r.typ = resource.Type(typ)
		out[rid] = r
	}
	return out, Translate(rows.Err())
}

func resourceRowIDs(ctx context.Context, tx *sql.Tx, accountID int64, rids []string) (map[string]int64, error) {
	out := make(map[string]int64, len(rids))
	for start := 0; start < len(rids); start += 1000 {
		part := rids[start:min(start+1000, len(rids))]
		rows, err := tx.QueryContext(ctx, "SELECT id, resource_id FROM resources WHERE account_id = ? AND resource_id IN ("+
			placeholders(len(part))+")", append([]any{accountID}, stringArgs(part)...)...)
		if err != nil {
			return nil, Translate(err)
		}
		for rows.Next() {
			var id int64
			var rid string
			if err := rows.Scan(&id, &rid); err != nil {
				rows.Close()
				return nil, Translate(err)
			}
			out[rid] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, Translate(err)
		}
	}
	return out, nil
}

func (s *Store) updateResource(ctx context.Context, tx *sql.Tx, old storedResource, r *resource.Resource, hash string, at time.Time) error {
	since := "status_since"
	var sinceArg []any
	if old.status != r.Status || old.released {
		since = "?"
		t := r.StatusSince
		if t.IsZero() {
			t = at
		}
		sinceArg = []any{s.ts(t)}
	}
	args, err := s.resourceArgs(r, hash, at, at, at)
	if err != nil {
		return err
	}
	// Every provider column but the key; first_seen_at stays.
	set := make([]string, 0, len(resourceCols))
	var vals []any
	for i, c := range resourceCols {
		switch c {
		case "account_id", "resource_id", "first_seen_at":
			continue
		case "status_since":
			set = append(set, "status_since = "+since)
			vals = append(vals, sinceArg...)
			continue
		}
		set = append(set, quoteIdent(c)+" = ?")
		vals = append(vals, args[i])
	}
	if _, err := tx.ExecContext(ctx, "UPDATE resources SET "+strings.Join(set, ", ")+" WHERE id = ?", append(vals, old.id)...); err != nil {
		return fmt.Errorf("update resource %s: %w", r.ResourceID, Translate(err))
	}
	return nil
}

func replaceTags(ctx context.Context, tx *sql.Tx, row int64, tags map[string]string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM resource_tags WHERE resource_row = ?", row); err != nil {
		return fmt.Errorf("resource tags: %w", Translate(err))
	}
	if len(tags) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(tags))
	for k, v := range tags {
		args = append(args, row, k, v)
	}
	q := "INSERT INTO resource_tags (resource_row, tag_key, tag_value) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(tags)), ", ")
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("resource tags: %w", Translate(err))
	}
	return nil
}

// ResourceFilter selects resources; zero fields select everything.
type ResourceFilter struct {
	Q         string // the start of a word of the provider id or the name, any case (see terms)
	AccountID int64
	Type      resource.Type
	Region    string
	Status    string
	TagKey    string // resources carrying this tag …
	TagValue  string // … with this value; "" for any value
	Cursor    int64  // the row id of the last resource of the previous page; 0 for the first page
	Limit     int    // default 50, at most 1000
}

// ListResources returns a page of the resources scope may see, newest row first, and the
// cursor of the next page (0 when this is the last one).
func (s *Store) ListResources(ctx context.Context, scope account.Scope, f ResourceFilter) ([]resource.Resource, int64, error) {
	conds, args := resourceScope(scope)
	if f.AccountID != 0 {
		conds, args = append(conds, "r.account_id = ?"), append(args, f.AccountID)
	}
	if f.Type != "" {
		conds, args = append(conds, "r.type = ?"), append(args, string(f.Type))
	}
	if f.Region != "" {
		conds, args = append(conds, "r.region = ?"), append(args, f.Region)
	}
	if f.Status != "" {
		conds, args = append(conds, "r.status = ?"), append(args, f.Status)
	}
	if f.Q != "" {
		// A prefix of any word of the id or the name: a range of resource_terms.
		q := strings.ToLower(strings.TrimSpace(f.Q))
		if len(q) > maxTerm {
			q = q[:maxTerm]
		}
		// A rare word is best read from its index range (few rows, then sorted). A common one,
		// over every account, by walking the resources newest first and checking each (a page
		// fills quickly); within some accounts the engines walk those accounts' rows instead
		// and check them all, so there the range stays the better plan.
		common := false
		if scope.All && f.AccountID == 0 {
			var err error
			if common, err = s.commonTerm(ctx, q); err != nil {
				return nil, 0, fmt.Errorf("store: list resources: %w", err)
			}
		}
		if common {
			conds = append(conds, "EXISTS (SELECT 1 FROM resource_terms t WHERE t.resource_row = r.id AND t.term >= ? AND t.term < ?)")
			args = append(args, q, q+"\U0010FFFF")
		} else {
			// Within some accounts, only their words are read.
			acc, accArgs := "", []any{}
			switch {
			case f.AccountID != 0:
				acc, accArgs = " AND t.account_id = ?", []any{f.AccountID}
			case !scope.All && len(scope.IDs) > 0:
				ids := uniqueIDs(scope.IDs)
				acc, accArgs = " AND t.account_id IN ("+placeholders(len(ids))+")", int64Args(ids)
			}
			conds = append(conds, "r.id IN (SELECT t.resource_row FROM resource_terms t WHERE t.term >= ? AND t.term < ?"+acc+")")
			args = append(append(args, q, q+"\U0010FFFF"), accArgs...)
		}
	}
	if f.TagKey != "" {
		if f.TagValue != "" {
			conds = append(conds, "EXISTS (SELECT 1 FROM resource_tags t WHERE t.resource_row = r.id AND t.tag_key = ? AND t.tag_value = ?)")
			args = append(args, f.TagKey, f.TagValue)
		} else {
			conds = append(conds, "EXISTS (SELECT 1 FROM resource_tags t WHERE t.resource_row = r.id AND t.tag_key = ?)")
			args = append(args, f.TagKey)
		}
	}
	if f.Cursor > 0 {
		conds, args = append(conds, "r.id < ?"), append(args, f.Cursor)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	out, err := s.resourcesWhere(ctx, strings.Join(conds, " AND ")+" ORDER BY r.id DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list resources: %w", err)
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

func resourceScope(scope account.Scope) ([]string, []any) {
	if scope.All {
		return []string{"1 = 1"}, nil
	}
	ids := uniqueIDs(scope.IDs)
	if len(ids) == 0 {
		return []string{"1 = 0"}, nil
	}
	return []string{"r.account_id IN (" + placeholders(len(ids)) + ")"}, int64Args(ids)
}

func (s *Store) resourcesWhere(ctx context.Context, tail string, args ...any) ([]resource.Resource, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+resourceColumns+" FROM resources r WHERE "+tail, args...)
	if err != nil {
		return nil, Translate(err)
	}
	defer rows.Close()
	out := []resource.Resource{}
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, Translate(err)
		}
		out = append(out, r)
	}
	return out, Translate(rows.Err())
}

// GetResource returns the resource with row id id if scope may see it.
func (s *Store) GetResource(ctx context.Context, scope account.Scope, id int64) (resource.Resource, error) {
	conds, args := resourceScope(scope)
	out, err := s.resourcesWhere(ctx, strings.Join(conds, " AND ")+" AND r.id = ?", append(args, id)...)
	if err != nil {
		return resource.Resource{}, fmt.Errorf("store: get resource %d: %w", id, err)
	}
	if len(out) == 0 {
		return resource.Resource{}, fmt.Errorf("store: get resource %d: %w", id, errs.NotFound("resource not found"))
	}
	return out[0], nil
}

// ResourceByProviderID returns the resource of accountID with the provider's id rid.
func (s *Store) ResourceByProviderID(ctx context.Context, scope account.Scope, accountID int64, rid string) (resource.Resource, error) {
	conds, args := resourceScope(scope)
	out, err := s.resourcesWhere(ctx, strings.Join(conds, " AND ")+" AND r.account_id = ? AND r.resource_id = ?", append(args, accountID, rid)...)
	if err != nil {
		return resource.Resource{}, fmt.Errorf("store: get resource %s: %w", rid, err)
	}
	if len(out) == 0 {
		return resource.Resource{}, fmt.Errorf("store: get resource %s: %w", rid, errs.NotFound("resource not found"))
	}
	return out[0], nil
}

// AccountResources returns every resource of accountID (released ones too when asked), in
// row order: what rule evaluation reads.
func (s *Store) AccountResources(ctx context.Context, accountID int64, withReleased bool) ([]resource.Resource, error) {
	tail := "r.account_id = ?"
	if !withReleased {
		tail += " AND r.released_at IS NULL"
	}
	out, err := s.resourcesWhere(ctx, tail+" ORDER BY r.id", accountID)
	if err != nil {
		return nil, fmt.Errorf("store: resources of account %d: %w", accountID, err)
	}
	return out, nil
}

// ---- metric summaries ----

var metricDayCols = []string{"account_id", "resource_id", "metric", "day", "max_value", "p95_value", "mean_value", "samples"}

// SaveMetricDays stores daily summaries, replacing those of the same resource, metric and
// day, and returns how many it wrote.
func (s *Store) SaveMetricDays(ctx context.Context, days []resource.MetricDay) (int, error) {
	const batch = 1000
	for start := 0; start < len(days); start += batch {
		part := days[start:min(start+batch, len(days))]
		args := make([]any, 0, len(part)*len(metricDayCols))
		for _, d := range part {
			if !d.Metric.Valid() {
				return 0, fmt.Errorf("store: save metric days: %w", errs.Invalid("metric %q", d.Metric))
			}
			args = append(args, d.AccountID, d.ResourceID, string(d.Metric), dayArg(d.Day), d.Max, d.P95, d.Mean, d.Samples)
		}
		q := s.dialect.Upsert("resource_metric_days", metricDayCols, []string{"account_id", "resource_id", "metric", "day"},
			[]string{"max_value", "p95_value", "mean_value", "samples"}, len(part))
		err := retryLocked(ctx, func() error {
			_, err := s.db.ExecContext(ctx, q, args...)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("store: save metric days: %w", Translate(err))
		}
	}
	return len(days), nil
}

// MetricFilter selects daily summaries of one account.
type MetricFilter struct {
	AccountID   int64
	ResourceIDs []string // provider ids; none for every resource of the account
	Metrics     []resource.Metric
	From, To    time.Time // billing days, both included; zero for no bound
}

// MetricDays returns the summaries f selects, by resource, metric and day.
func (s *Store) MetricDays(ctx context.Context, f MetricFilter) ([]resource.MetricDay, error) {
	conds, args := []string{"account_id = ?"}, []any{f.AccountID}
	if len(f.ResourceIDs) > 0 {
		conds, args = append(conds, "resource_id IN ("+placeholders(len(f.ResourceIDs))+")"), append(args, stringArgs(f.ResourceIDs)...)
	}
	if len(f.Metrics) > 0 {
		ms := make([]string, len(f.Metrics))
		for i, m := range f.Metrics {
			ms[i] = string(m)
		}
		conds, args = append(conds, "metric IN ("+placeholders(len(ms))+")"), append(args, stringArgs(ms)...)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "day >= ?"), append(args, dayArg(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "day <= ?"), append(args, dayArg(f.To))
	}
	rows, err := s.db.QueryContext(ctx, "SELECT resource_id, metric, day, max_value, p95_value, mean_value, samples "+
		"FROM resource_metric_days WHERE "+strings.Join(conds, " AND ")+" ORDER BY resource_id, metric, day", args...)
	if err != nil {
		return nil, fmt.Errorf("store: metric days: %w", Translate(err))
	}
	defer rows.Close()
	out := []resource.MetricDay{}
	for rows.Next() {
		d := resource.MetricDay{AccountID: f.AccountID}
		var metric, day string
		if err := rows.Scan(&d.ResourceID, &metric, dateCol{&day}, &d.Max, &d.P95, &d.Mean, &d.Samples); err != nil {
			return nil, fmt.Errorf("store: metric days: %w", Translate(err))
		}
		d.Metric, d.Day = resource.Metric(metric), parseDay(day)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: metric days: %w", Translate(err))
	}
	return out, nil
}

// ---- prices ----

var priceCols = []string{"account_id", "type", "region", "spec", "charge_type", "unit", "original_price", "discount_price",
	"trade_price", "currency", "fetched_at"}

// SavePrices stores quotes, replacing the previous quote of the same account, type, region,
// spec and charge type.
func (s *Store) SavePrices(ctx context.Context, prices []resource.Price) error {
	for start := 0; start < len(prices); start += 500 {
		part := prices[start:min(start+500, len(prices))]
		args := make([]any, 0, len(part)*len(priceCols))
		for _, p := range part {
			args = append(args, p.AccountID, string(p.Type), p.Region, p.Spec, string(p.ChargeType), p.Unit, int64(p.Original),
				int64(p.Discount), int64(p.Trade), p.Currency, s.ts(p.FetchedAt))
		}
		q := s.dialect.Upsert("resource_prices", priceCols, []string{"account_id", "type", "region", "spec", "charge_type"},
			[]string{"unit", "original_price", "discount_price", "trade_price", "currency", "fetched_at"}, len(part))
		if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("store: save prices: %w", Translate(err))
		}
	}
	return nil
}

// Prices returns the stored quotes of accountID.
func (s *Store) Prices(ctx context.Context, accountID int64) ([]resource.Price, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+strings.Join(priceCols, ", ")+" FROM resource_prices WHERE account_id = ? "+
		"ORDER BY type, region, spec, charge_type", accountID)
	if err != nil {
		return nil, fmt.Errorf("store: prices: %w", Translate(err))
	}
	defer rows.Close()
	out := []resource.Price{}
	for rows.Next() {
		var p resource.Price
		var typ, charge string
		var orig, disc, trade int64
		if err := rows.Scan(&p.AccountID, &typ, &p.Region, &p.Spec, &charge, &p.Unit, &orig, &disc, &trade, &p.Currency,
			timeCol{&p.FetchedAt}); err != nil {
			return nil, fmt.Errorf("store: prices: %w", Translate(err))
		}
		p.Type, p.ChargeType = resource.Type(typ), resource.ChargeType(charge)
		p.Original, p.Discount, p.Trade = money.Micros(orig), money.Micros(disc), money.Micros(trade)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: prices: %w", Translate(err))
	}
	return out, nil
}

// ---- sync runs ----

const resourceSyncColumns = "id, account_id, job_run_id, trigger_kind, status, regions, resources, added, updated, released, " +
	"metric_days, calls, throttled, started_at, finished_at, duration_ms, error"

// CreateResourceSyncRun records a run that starts and sets r.ID. A zero StartedAt is now.
func (s *Store) CreateResourceSyncRun(ctx context.Context, r *resource.SyncRun) error {
	if r.StartedAt.IsZero() {
		r.StartedAt = now()
	}
	if r.Status == "" {
		r.Status = resource.SyncRunning
	}
	calls, err := callsJSON(r.Calls)
	if err != nil {
		return fmt.Errorf("store: create resource sync run: %w", err)
	}
	var job any
	if r.JobRunID > 0 {
		job = r.JobRunID
	}
	res, err := s.db.ExecContext(ctx, "INSERT INTO resource_sync_runs (account_id, job_run_id, trigger_kind, status, regions, "+
		"resources, added, updated, released, metric_days, calls, throttled, started_at, finished_at, duration_ms, error) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.AccountID, job, r.Trigger, r.Status, r.Regions, r.Resources, r.Added, r.Updated, r.Released, r.MetricDays, calls,
		r.Throttled, s.ts(r.StartedAt), s.nullTS(r.FinishedAt), r.Duration.Milliseconds(), truncate(r.Error, maxSyncError))
	if err != nil {
		return fmt.Errorf("store: create resource sync run: %w", Translate(err))
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("store: create resource sync run: %w", Translate(err))
	}
	return nil
}

// UpdateResourceSyncRun saves the progress or outcome of r.
func (s *Store) UpdateResourceSyncRun(ctx context.Context, r resource.SyncRun) error {
	calls, err := callsJSON(r.Calls)
	if err != nil {
		return fmt.Errorf("store: update resource sync run %d: %w", r.ID, err)
	}
	res, err := s.db.ExecContext(ctx, "UPDATE resource_sync_runs SET status = ?, regions = ?, resources = ?, added = ?, "+
		"updated = ?, released = ?, metric_days = ?, calls = ?, throttled = ?, finished_at = ?, duration_ms = ?, error = ? WHERE id = ?",
		r.Status, r.Regions, r.Resources, r.Added, r.Updated, r.Released, r.MetricDays, calls, r.Throttled,
		s.nullTS(r.FinishedAt), r.Duration.Milliseconds(), truncate(r.Error, maxSyncError), r.ID)
	if err != nil {
		return fmt.Errorf("store: update resource sync run %d: %w", r.ID, Translate(err))
	}
	if err := rowsAffected(res, "resource sync run not found"); err != nil {
		return fmt.Errorf("store: update resource sync run %d: %w", r.ID, err)
	}
	return nil
}

func callsJSON(calls map[string]int) (string, error) {
	if calls == nil {
		calls = map[string]int{}
	}
	b, err := json.Marshal(calls)
	return string(b), err
}

// ResourceSyncRuns returns the latest runs, newest first: of accountID, or of every account
// when accountID is 0.
func (s *Store) ResourceSyncRuns(ctx context.Context, accountID int64, limit int) ([]resource.SyncRun, error) {
	if limit <= 0 {
		limit = 20
	}
	cond, args := "1 = 1", []any{}
	if accountID != 0 {
		cond, args = "account_id = ?", append(args, accountID)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+resourceSyncColumns+" FROM resource_sync_runs WHERE "+cond+
		" ORDER BY id DESC LIMIT ?", append(args, min(limit, 500))...)
	if err != nil {
		return nil, fmt.Errorf("store: resource sync runs: %w", Translate(err))
	}
	defer rows.Close()
	out := []resource.SyncRun{}
	for rows.Next() {
		var r resource.SyncRun
		var job sql.NullInt64
		var calls string
		var ms int64
		if err := rows.Scan(&r.ID, &r.AccountID, &job, &r.Trigger, &r.Status, &r.Regions, &r.Resources, &r.Added, &r.Updated,
			&r.Released, &r.MetricDays, &calls, &r.Throttled, timeCol{&r.StartedAt}, nullTimeCol{&r.FinishedAt}, &ms, &r.Error); err != nil {
			return nil, fmt.Errorf("store: resource sync runs: %w", Translate(err))
		}
		r.JobRunID, r.Duration = job.Int64, time.Duration(ms)*time.Millisecond
		if err := json.Unmarshal([]byte(calls), &r.Calls); err != nil {
			return nil, fmt.Errorf("store: resource sync run %d: calls: %w", r.ID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: resource sync runs: %w", Translate(err))
	}
	return out, nil
}

// maxTerm is the width of resource_terms.term, in bytes.
const maxTerm = 128

// terms are the words a resource is found by: its id and name lower-cased, each whole and
// from every word on, words being runs of letters and digits.
func terms(id, name string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range []string{id, name} {
		s = strings.ToLower(s)
		for i := 0; i < len(s); i++ {
			if i > 0 && isWordByte(s[i-1]) || !isWordByte(s[i]) {
				continue
			}
			t := s[i:]
			if len(t) > maxTerm {
				t = strings.ToValidUTF8(t[:maxTerm], "")
			}
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// isWordByte: ASCII letters and digits, and every byte of a non-ASCII character (a Chinese
// name is one word until a separator).
func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}

// insertTerms writes the terms of the resources rows (provider id → row id) with their names.
func (s *Store) insertTerms(ctx context.Context, tx *sql.Tx, accountID int64, rows map[string]int64, names map[string]string) error {
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		q := s.dialect.Upsert("resource_terms", []string{"term", "account_id", "resource_row"}, []string{"term", "resource_row"}, nil, n)
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("resource terms: %w", Translate(err))
		}
		args, n = args[:0], 0
		return nil
	}
	for rid, row := range rows {
		for _, t := range terms(rid, names[rid]) {
			args = append(args, t, accountID, row)
			if n++; n == 2000 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// commonTermRows is how many matching words make a search word common (see ListResources).
const commonTermRows = 2000

// commonTerm reports whether at least commonTermRows words start with q.
func (s *Store) commonTerm(ctx context.Context, q string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM resource_terms WHERE term >= ? AND term < ? LIMIT ?) x",
		q, q+"\U0010FFFF", commonTermRows).Scan(&n)
	if err != nil {
		return false, Translate(err)
	}
	return n >= commonTermRows, nil
}
