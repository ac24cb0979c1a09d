package bench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orgdir/orgdir/internal/directory"
)

// seedBatch is how many users one seeding transaction writes, and
// seedParallel how many such transactions run at once.
const (
	seedBatch    = 500
	seedParallel = 4
)

// seedApp is the initiator of the audit records the seeding writes.
const seedApp = "orgdir bench seed"

// world is what a run works on: a resource tenant ("Bench") with an
// administrator, members and guests, and the home tenant of the guests.
type world struct {
	tenant  *directory.Tenant
	home    *directory.Tenant
	admin   *directory.User
	members []*directory.User // in the order the users page lists them
	guests  []*directory.User // accepted guests, each bound to a member of home
	now     time.Time
}

// guestShare is the part of the users that are guests: one in five.
const guestShare = 5

// seed writes the world straight through the store, in transactions of
// seedBatch users, each user with the "Add user" audit record the Service
// would have written. The Service creates one user per transaction, which
// makes seeding three to five times slower (docs/performance.md has both
// rates).
//
// Of the users, one in guestShare is an accepted guest whose home user is
// a member of the home tenant; the rest are members. Names are numbered
// with zero padding, so the users page order (display name, then id) is
// the order of w.members after the guests.
func seed(ctx context.Context, st directory.Store, now time.Time, users int) (*world, error) {
	now = now.UTC().Truncate(time.Microsecond)
	w := &world{now: now}
	w.tenant = &directory.Tenant{ID: directory.NewID(), DisplayName: "Bench", InitialDomain: "bench.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
	w.home = &directory.Tenant{ID: directory.NewID(), DisplayName: "Bench Home", InitialDomain: "home.bench.example", CreatedAt: now, Settings: directory.DefaultTenantSettings()}
	w.admin = w.member(w.tenant, "admin", "Bench Admin")
	err := st.Write(ctx, func(tx directory.Tx) error {
		for _, t := range []*directory.Tenant{w.tenant, w.home} {
			if err := tx.CreateTenant(ctx, t); err != nil {
				return err
			}
		}
		if err := w.createUser(ctx, tx, w.admin); err != nil {
			return err
		}
		return tx.AddRole(ctx, w.tenant.ID, w.admin.ID, directory.RoleGlobalAdministrator)
	})
	if err != nil {
		return nil, fmt.Errorf("bench: seed the tenants: %w", err)
	}

	// Batches run seedParallel at a time: PostgreSQL spends most of a
	// batch on round trips, which overlap; SQLite queues them on its one
	// writer. Each batch keeps its own users, joined in order at the end.
	nGuests := users / guestShare
	nBatches := (users + seedBatch - 1) / seedBatch
	members := make([][]*directory.User, nBatches)
	guests := make([][]*directory.User, nBatches)
	errs := make([]error, nBatches)
	sem := make(chan struct{}, seedParallel)
	var wg sync.WaitGroup
	for b := range nBatches {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, end := b*seedBatch, min((b+1)*seedBatch, users)
			errs[b] = st.Write(ctx, func(tx directory.Tx) error {
				members[b], guests[b] = nil, nil // a Write may run fn again
				for i := n; i < end; i++ {
					if i < nGuests {
						homeUser := w.member(w.home, fmt.Sprintf("guest%06d", i), fmt.Sprintf("Guest %06d", i))
						g := w.guest(homeUser)
						if err := w.createUser(ctx, tx, homeUser); err != nil {
							return err
						}
						if err := w.createUser(ctx, tx, g); err != nil {
							return err
						}
						guests[b] = append(guests[b], g)
						continue
					}
					u := w.member(w.tenant, fmt.Sprintf("member%06d", i), fmt.Sprintf("Member %06d", i))
					if err := w.createUser(ctx, tx, u); err != nil {
						return err
					}
					members[b] = append(members[b], u)
				}
				return nil
			})
			if errs[b] != nil {
				errs[b] = fmt.Errorf("bench: seed users %d to %d: %w", n, end, errs[b])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	w.members = slices.Concat(members...)
	w.guests = slices.Concat(guests...)
	return w, nil
}

// member is a new member user of t.
func (w *world) member(t *directory.Tenant, local, name string) *directory.User {
	upn := local + "@" + t.InitialDomain
	return &directory.User{
		ID: directory.NewID(), TenantID: t.ID, UserPrincipalName: upn, Mail: upn, DisplayName: name,
		UserType: directory.Member, AccountEnabled: true, CreatedAt: w.now,
		Identities: []directory.ObjectIdentity{{SignInType: directory.SignInTypeUserPrincipalName, Issuer: t.InitialDomain, IssuerAssignedID: upn}},
	}
}

// guest is the accepted guest in w.tenant of home, as Invite then Redeem
// leave it.
func (w *world) guest(home *directory.User) *directory.User {
	addr := home.Mail
	upn := guestUPNFor(addr, w.tenant.InitialDomain)
	changed := w.now
	return &directory.User{
		ID: directory.NewID(), TenantID: w.tenant.ID, UserPrincipalName: upn, Mail: addr, DisplayName: home.DisplayName,
		UserType: directory.Guest, AccountEnabled: true, CreatedAt: w.now, CreationType: directory.CreationTypeInvitation,
		ExternalUserState: directory.Accepted, ExternalUserStateChangeDateTime: &changed,
		HomeUserID: home.ID,
		Identities: []directory.ObjectIdentity{{SignInType: directory.SignInTypeFederated, Issuer: w.home.InitialDomain, IssuerAssignedID: home.UserPrincipalName}},
	}
}

// guestUPNFor is Entra's UPN of an invited user: a_b.example#EXT#@domain.
func guestUPNFor(addr, domain string) string {
	return strings.ReplaceAll(addr, "@", "_") + "#EXT#@" + domain
}

// createUser creates u with its "Add user" audit record.
func (w *world) createUser(ctx context.Context, tx directory.Tx, u *directory.User) error {
	if err := tx.CreateUser(ctx, u); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, w.event(u, directory.ActivityAddUser, "Add", w.now))
}

func (w *world) event(u *directory.User, activity, opType string, at time.Time) *directory.AuditEvent {
	return &directory.AuditEvent{
		ID: directory.NewID(), TenantID: u.TenantID, Time: at, Activity: activity,
		Category: directory.CategoryUserManagement, OperationType: opType, CorrelationID: directory.NewID(),
		Initiator: directory.AuditInitiator{AppName: seedApp}, Result: directory.ResultSuccess,
		Targets: []directory.AuditTarget{{ID: u.ID, Type: "User", DisplayName: u.DisplayName, UPN: u.UserPrincipalName}},
	}
}

// seedExpired writes n deleted members of w.tenant whose retention ended
// before now, each with its "Add user" and "Delete user" audit records (so
// the purge has audit records to scrub, as in life), in batches.
func seedExpired(ctx context.Context, st directory.Store, w *world, now time.Time, tag string, n int) error {
	now = now.UTC().Truncate(time.Microsecond)
	deleted := now.Add(-time.Duration(directory.DefaultRetentionDays+1) * 24 * time.Hour)
	purge := now.Add(-time.Hour)
	for b := 0; b < n; b += seedBatch {
		end := min(b+seedBatch, n)
		err := st.Write(ctx, func(tx directory.Tx) error {
			for i := b; i < end; i++ {
				u := w.member(w.tenant, fmt.Sprintf("expired-%s-%06d", tag, i), fmt.Sprintf("Expired %s %06d", tag, i))
				u.CreatedAt = deleted
				u.DeletedAt, u.PurgeAt = &deleted, &purge
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
				if err := tx.AppendAudit(ctx, w.event(u, directory.ActivityAddUser, "Add", deleted)); err != nil {
					return err
				}
				if err := tx.AppendAudit(ctx, w.event(u, directory.ActivityDeleteUser, "Delete", deleted)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("bench: seed expired users %d to %d: %w", b, end, err)
		}
	}
	return nil
}
