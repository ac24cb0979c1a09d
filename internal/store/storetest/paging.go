package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// pagingUsers is enough users for several pages with ties in every
// ordering key.
const pagingUsers = 300

var pagingTests = map[string]func(*testing.T, *fx){}

func init() {
	orders := []struct {
		name    string
		orderBy string
		deleted bool
		less    func(a, b *directory.User) int
	}{
		{"ByID", directory.OrderByID, false, func(a, b *directory.User) int { return strings.Compare(a.ID, b.ID) }},
		{"ByDisplayNameIgnoringCase", directory.OrderByDisplayName, false, func(a, b *directory.User) int {
			return cmp.Or(strings.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName)), strings.Compare(a.ID, b.ID))
		}},
		{"DeletedByID", directory.OrderByID, true, func(a, b *directory.User) int { return strings.Compare(a.ID, b.ID) }},
		{"DeletedByDeletedDateTime", directory.OrderByDeletedDateTime, true, func(a, b *directory.User) int {
			return cmp.Or(a.DeletedAt.Compare(*b.DeletedAt), strings.Compare(a.ID, b.ID))
		}},
	}
	for _, o := range orders {
		for _, desc := range []bool{false, true} {
			less := o.less
			if desc {
				less = func(a, b *directory.User) int { return o.less(b, a) }
			}
			dir := "Ascending"
			if desc {
				dir = "Descending"
			}
			q := directory.UserQuery{OrderBy: o.orderBy, Desc: desc, Deleted: o.deleted, Limit: 37}
			pagingTests[o.name+dir+"SeesEachUserOnceInOrder"] = func(t *testing.T, f *fx) {
				testPaging(t, f, q, less, false)
			}
			pagingTests[o.name+dir+"SeesEachUserOnceWhileUsersAreAdded"] = func(t *testing.T, f *fx) {
				testPaging(t, f, q, less, true)
			}
		}
	}
}

// testPaging walks every page of q. Users inserted between pages may or may
// not be seen, but no user is seen twice, every user that existed before
// is seen, and the pages come in order.
func testPaging(t *testing.T, f *fx, q directory.UserQuery, order func(a, b *directory.User) int, insert bool) {
	tn := f.tenant()
	other := f.tenant()
	mk := func(i int) *directory.User {
		u := f.newUser(tn.ID)
		// Names repeat, in mixed case, so ties are broken by id.
		name := fmt.Sprintf("Person %02d", i%23)
		if i%2 == 1 {
			name = strings.ToUpper(name)
		}
		u.DisplayName = name
		if q.Deleted {
			deleted(base.Add(time.Duration(i%17) * time.Minute))(u)
		}
		return u
	}
	var all []*directory.User
	f.write(func(tx directory.Tx) error {
		for i := range pagingUsers {
			u := mk(i)
			all = append(all, u)
			if err := tx.CreateUser(f.ctx, u); err != nil {
				return err
			}
			// A live user and another tenant's user that the listing must skip.
			if i%10 == 0 {
				if err := tx.CreateUser(f.ctx, f.withDeletedFlipped(u, tn.ID)); err != nil {
					return err
				}
				if err := tx.CreateUser(f.ctx, f.newUser(other.ID)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	seen := map[string]bool{}
	var got []*directory.User
	for page := 0; ; page++ {
		if page > pagingUsers {
			t.Fatal("paging does not end")
		}
		var batch []*directory.User
		f.read(func(tx directory.Tx) error {
			var err error
			batch, err = tx.ListUsers(f.ctx, tn.ID, q)
			return err
		})
		for _, u := range batch {
			if seen[u.ID] {
				t.Fatalf("user %s seen twice (page %d)", u.ID, page)
			}
			if u.TenantID != tn.ID || u.Deleted() != q.Deleted {
				t.Fatalf("listing returned a user it should skip: %+v", u)
			}
			seen[u.ID] = true
			got = append(got, u)
		}
		if len(batch) < q.Limit {
			break
		}
		q.After = batch[len(batch)-1]
		if insert {
			f.write(func(tx directory.Tx) error {
				u := mk(page * 7)
				return tx.CreateUser(f.ctx, u)
			})
		}
	}
	if !slices.IsSortedFunc(got, order) {
		t.Fatal("pages are not in order")
	}
	for _, u := range all {
		if !seen[u.ID] {
			t.Fatalf("user %s (%s) never seen", u.ID, u.DisplayName)
		}
	}
	if !insert {
		want := slices.Clone(all)
		slices.SortFunc(want, order)
		sameIDs(t, userIDs(got), userIDs(want))
	}
}

// withDeletedFlipped returns a new user of tenantID that is live when u is
// deleted and deleted when u is live.
func (f *fx) withDeletedFlipped(u *directory.User, tenantID string) *directory.User {
	v := f.newUser(tenantID)
	if !u.Deleted() {
		deleted(base)(v)
	}
	return v
}
