package directory

import (
	"context"
	"slices"
	"strings"
	"time"
)

// DeltaTokenLifetime is how long a delta position stays usable: a day
// short of the change log's retention, so that no change after it, not
// even one of a transaction that was running when it was taken, has been
// expired yet.
const DeltaTokenLifetime = ChangeLogRetention - 24*time.Hour

// deltaScan is how many changes one store call of a delta round reads.
const deltaScan = 1000

// DeltaRound is one page of the objects a delta round reports: those with
// changes after After, up to and including Until, each once.
type DeltaRound struct {
	After, Until ChangePos
	AfterID      string // keyset within the round: only ids above it
	Limit        int
}

// UserDelta is a changed user: User is its current state when it is live;
// else Removed says whether it can be restored (changed) or is gone.
type UserDelta struct {
	ID      string
	User    *User
	Removed RemovedReason
}

// MemberDelta is a member added (Removed "") or removed from a group.
type MemberDelta struct {
	UserID  string
	Removed RemovedReason
}

// GroupDelta is a changed group: Group its current state (nil when it is
// deleted), Members the member changes of the round, last one per user.
type GroupDelta struct {
	ID      string
	Group   *Group
	Removed RemovedReason
	Members []MemberDelta
}

// DeltaStart is where a delta walk of the tenant's users (ChangeUser) or
// groups begins: a position taken before the walk reads its first page,
// so every change the walk might miss comes in its next round. It needs
// what listing them needs.
func (s *Service) DeltaStart(ctx context.Context, tenantID string, kind ChangeKind) (ChangePos, error) {
	return readResult(s, ctx, func(o *op) (ChangePos, error) {
		if err := o.requireDelta(tenantID, kind); err != nil {
			return ChangePos{}, err
		}
		return o.tx.ChangeLogHead(o.ctx)
	})
}

func (o *op) requireDelta(tenantID string, kind ChangeKind) error {
	p := permReadUsers
	if kind != ChangeUser {
		p = permReadGroups
	}
	_, err := o.permittedTenant(tenantID, p)
	return err
}

// roundChanges reads the round's changes of the kinds wanted; a zero Until
// (a round's first page) reads every settled change and sets it.
func (o *op) roundChanges(tenantID string, r *DeltaRound, kinds ...ChangeKind) ([]*Change, error) {
	if err := validLimit("limit", r.Limit); err != nil {
		return nil, err
	}
	open := r.Until == (ChangePos{})
	if open {
		r.Until = r.After
	}
	var out []*Change
	for pos := r.After; ; {
		batch, err := o.tx.ListChanges(o.ctx, tenantID, pos, deltaScan)
		if err != nil {
			return nil, err
		}
		for _, c := range batch {
			if !open && r.Until.Less(c.Pos) {
				return out, nil
			}
			if open {
				r.Until = c.Pos
			}
			if slices.Contains(kinds, c.Kind) {
				out = append(out, c)
			}
		}
		if len(batch) < deltaScan {
			return out, nil
		}
		pos = batch[len(batch)-1].Pos
	}
}

// pageIDs returns the sorted distinct ids above afterID, at most limit+1
// (the extra one tells another page follows).
func pageIDs(ids map[string]bool, afterID string, limit int) []string {
	var out []string
	for id := range ids {
		if id > afterID {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	if len(out) > limit+1 {
		out = out[:limit+1]
	}
	return out
}

// UsersDelta returns a page of the users changed in the round, by id, in
// their state now (so a user changed again meanwhile shows the newer
// state, and again in the next round).
func (s *Service) UsersDelta(ctx context.Context, tenantID string, r *DeltaRound) ([]UserDelta, error) {
	return readResult(s, ctx, func(o *op) ([]UserDelta, error) {
		if err := o.requireDelta(tenantID, ChangeUser); err != nil {
			return nil, err
		}
		changes, err := o.roundChanges(tenantID, r, ChangeUser)
		if err != nil {
			return nil, err
		}
		ids := map[string]bool{}
		for _, c := range changes {
			ids[c.ObjectID] = true
		}
		var out []UserDelta
		for _, id := range pageIDs(ids, r.AfterID, r.Limit) {
			u, err := o.tx.GetUser(o.ctx, tenantID, id)
			switch {
			case IsKind(err, KindNotFound):
				out = append(out, UserDelta{ID: id, Removed: RemovedDeleted})
			case err != nil:
				return nil, err
			case u.Deleted():
				out = append(out, UserDelta{ID: id, Removed: RemovedChanged})
			default:
				out = append(out, UserDelta{ID: id, User: u})
			}
		}
		return out, nil
	})
}

// GroupsDelta returns a page of the groups changed in the round, by id,
// in their state now, with the round's member changes.
func (s *Service) GroupsDelta(ctx context.Context, tenantID string, r *DeltaRound) ([]GroupDelta, error) {
	return readResult(s, ctx, func(o *op) ([]GroupDelta, error) {
		if err := o.requireDelta(tenantID, ChangeGroup); err != nil {
			return nil, err
		}
		changes, err := o.roundChanges(tenantID, r, ChangeGroup, ChangeMember)
		if err != nil {
			return nil, err
		}
		ids := map[string]bool{}
		members := map[string]map[string]*Change{} // group, user: the last change
		for _, c := range changes {
			if c.Kind == ChangeGroup {
				ids[c.ObjectID] = true
				continue
			}
			ids[c.GroupID] = true
			if members[c.GroupID] == nil {
				members[c.GroupID] = map[string]*Change{}
			}
			members[c.GroupID][c.ObjectID] = c
		}
		var out []GroupDelta
		for _, id := range pageIDs(ids, r.AfterID, r.Limit) {
			g, err := o.tx.GetGroup(o.ctx, tenantID, id)
			if IsKind(err, KindNotFound) {
				out = append(out, GroupDelta{ID: id, Removed: RemovedDeleted})
				continue
			}
			if err != nil {
				return nil, err
			}
			d := GroupDelta{ID: id, Group: g}
			for uid, c := range members[id] {
				m := MemberDelta{UserID: uid}
				if c.Type == ChangeDeleted {
					m.Removed = RemovedDeleted
				}
				d.Members = append(d.Members, m)
			}
			slices.SortFunc(d.Members, func(a, b MemberDelta) int { return strings.Compare(a.UserID, b.UserID) })
			out = append(out, d)
		}
		return out, nil
	})
}
