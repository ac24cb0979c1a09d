package directory

import (
	"context"
	"strings"
)

// DeleteUser soft-deletes a live user (Global and User Administrators): it
// goes to Deleted users until the tenant's retention ends, its memberships
// and assignments kept, hidden. Administrators cannot delete themselves.
func (s *Service) DeleteUser(ctx context.Context, tenantID, idOrUPN string) error {
	return s.write(ctx, func(o *op) error {
		t, u, err := o.removableUser(tenantID, idOrUPN, "delete", o.liveUser)
		if err != nil {
			return err
		}
		if err := o.softDelete(t, u); err != nil {
			return err
		}
		return o.audit(o.event(tenantID, ActivityDeleteUser, CategoryUserManagement, opDelete, userTarget(u)))
	})
}

// removableUser loads, for an administrator about to delete or erase it,
// the tenant and the user that load finds: never the caller itself (verb
// names the refused action), and a Global Administrator only for a Global
// Administrator.
func (o *op) removableUser(tenantID, idOrUPN, verb string, load func(tenantID, idOrUPN string) (*User, error)) (*Tenant, *User, error) {
	if err := o.requireUserChange(tenantID, idOrUPN); err != nil {
		return nil, nil, err
	}
	t, err := o.tenant(tenantID)
	if err != nil {
		return nil, nil, err
	}
	u, err := load(tenantID, idOrUPN)
	if err != nil {
		return nil, nil, err
	}
	if o.c.isSelf(tenantID, u.ID) {
		return nil, nil, Errorf(KindConflict, "you cannot %s your own account", verb)
	}
	if err := o.guardAdmin(u); err != nil {
		return nil, nil, err
	}
	return t, u, nil
}

// deletedUser loads a user of Deleted users for an administrator.
func (o *op) deletedUser(tenantID, id string) (*User, error) {
	if err := o.c.requireObjectTo(tenantID, permManage, "manage", "deleted user"); err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, notFound("deleted user")
	}
	u, err := o.tx.GetUser(o.ctx, tenantID, id)
	if IsKind(err, KindNotFound) || err == nil && !u.Deleted() {
		return nil, notFound("deleted user")
	}
	return u, err
}

// GetDeletedUser returns a user of the tenant's Deleted users (Global and
// User Administrators). A user whose retention ended is still listed until
// the purge removes it, but can no longer be restored.
func (s *Service) GetDeletedUser(ctx context.Context, tenantID, id string) (*User, error) {
	return readResult(s, ctx, func(o *op) (*User, error) { return o.deletedUser(tenantID, id) })
}

// RestoreUser brings a deleted user back with its memberships and
// assignments, which were never removed (Global and User Administrators).
//
// Once the retention has ended the user is being purged and the restore is
// KindConflict. A live user holding the same userPrincipalName or mail is
// KindRestoreClash naming which, and a guest whose person has another live
// user in the tenant by now is KindConflict; newUPN, when given, replaces the
// userPrincipalName (in the tenant's domain; an invited user may keep the
// local#EXT#@domain form).
func (s *Service) RestoreUser(ctx context.Context, tenantID, id, newUPN string) (*User, error) {
	var out *User
	err := s.write(ctx, func(o *op) error {
		u, err := o.deletedUser(tenantID, id)
		if err != nil {
			return err
		}
		t, err := o.tenant(tenantID)
		if err != nil {
			return err
		}
		if err := o.guardAdmin(u); err != nil {
			return err
		}
		if u.PurgeAt != nil && !o.now.Before(*u.PurgeAt) {
			return Errorf(KindConflict, "the retention period of this user has ended; it is being deleted permanently and cannot be restored")
		}
		upn := u.UserPrincipalName
		if strings.TrimSpace(newUPN) != "" {
			if u.External() {
				upn, err = validGuestUPN("newUserPrincipalName", newUPN, t.InitialDomain)
			} else {
				upn, err = validMemberUPN("newUserPrincipalName", newUPN, t.InitialDomain)
			}
			if err != nil {
				return err
			}
		}
		if err := o.personClash(t, u); err != nil {
			return err
		}
		if err := o.restoreClash(u, upn); err != nil {
			return err
		}
		var props []ModifiedProperty
		if m, ok := changed("UserPrincipalName", u.UserPrincipalName, upn); ok {
			props = append(props, m)
			for i := range u.Identities {
				if u.Identities[i].IssuerAssignedID == u.UserPrincipalName {
					u.Identities[i].IssuerAssignedID = upn
				}
			}
		}
		u.UserPrincipalName = upn
		u.DeletedAt, u.PurgeAt = nil, nil
		// Back without any credential of before: the person signs in anew.
		o.revokeCredentials(u)
		if err := o.tx.UpdateUser(o.ctx, u); err != nil {
			if IsKind(err, KindConflict) {
				return Errorf(KindRestoreClash, "a live user now holds the userPrincipalName %s or the mail %s", upn, u.Mail)
			}
			return err
		}
		out = u
		return o.audit(o.event(tenantID, ActivityRestoreUser, CategoryUserManagement, opUpdate, userTarget(u, props...)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// personClash refuses to restore a guest whose person has another live
// user in the tenant (redeemed from a newer invitation): a person has at
// most one, which the store enforces too. A new user name would not help,
// so it is KindConflict, not KindRestoreClash.
func (o *op) personClash(t *Tenant, u *User) error {
	if u.HomeUserID == "" && u.HomeEmailIdentityID == "" {
		return nil
	}
	bound, err := o.tx.ListUsersByHome(o.ctx, u.HomeUserID, u.HomeEmailIdentityID)
	if err != nil {
		return err
	}
	for _, b := range bound {
		if b.TenantID == u.TenantID && b.ID != u.ID && !b.Deleted() {
			return Errorf(KindConflict, "the person of this user already has another account in %s (%s); delete that one first to restore this one",
				t.DisplayName, b.UserPrincipalName)
		}
	}
	return nil
}

// restoreClash refuses a restore onto a live user's UPN or mail.
func (o *op) restoreClash(u *User, upn string) error {
	other, err := o.tx.GetUserByUPN(o.ctx, u.TenantID, upn)
	if err == nil && other.ID != u.ID {
		return &Error{Kind: KindRestoreClash, Field: "userPrincipalName",
			Message: "a live user already has the userPrincipalName " + upn + "; restore with a new userPrincipalName"}
	}
	if err != nil && !IsKind(err, KindNotFound) {
		return err
	}
	if u.Mail == "" {
		return nil
	}
	other, err = o.tx.GetUserByMail(o.ctx, u.TenantID, u.Mail)
	if err == nil && other.ID != u.ID {
		return &Error{Kind: KindRestoreClash, Field: "mail",
			Message: "a live user already has the mail " + u.Mail + "; delete or change that user first"}
	}
	if err != nil && !IsKind(err, KindNotFound) {
		return err
	}
	return nil
}

// PermanentlyDeleteUser erases a deleted user at once, irreversibly
// (Global and User Administrators). A live user is KindConflict: delete it
// first.
func (s *Service) PermanentlyDeleteUser(ctx context.Context, tenantID, id string) error {
	return s.write(ctx, func(o *op) error {
		if err := o.c.requireObjectTo(tenantID, permManage, "manage", "deleted user"); err != nil {
			return err
		}
		u, err := o.permanentlyDeletable(tenantID, id)
		if err != nil {
			return err
		}
		return o.erase(u)
	})
}

// EraseUser erases a user of the tenant, live or deleted, at once and for
// good (Global and User Administrators): a data subject's erasure request
// in one step, where Entra needs a delete and then a permanent delete. A
// live user is deleted ("Delete user") and erased ("Hard delete user") in
// one transaction, so there is no moment when it waits in Deleted users.
// Nobody erases themselves, and only a Global Administrator erases a
// Global Administrator.
func (s *Service) EraseUser(ctx context.Context, tenantID, idOrUPN string) error {
	return s.write(ctx, func(o *op) error {
		t, u, err := o.removableUser(tenantID, idOrUPN, "erase", o.user)
		if err != nil {
			return err
		}
		reason := KeyValue{Key: "reason", Value: "personal data erasure"}
		if !u.Deleted() {
			if err := o.softDelete(t, u); err != nil {
				return err
			}
			e := o.event(tenantID, ActivityDeleteUser, CategoryUserManagement, opDelete, userTarget(u))
			e.AdditionalDetails = []KeyValue{reason}
			if err := o.audit(e); err != nil {
				return err
			}
		}
		return o.erase(u, reason)
	})
}

// PermanentDeleteBatch bounds the users one transaction of
// PermanentlyDeleteUsers erases.
const PermanentDeleteBatch = 1000

// PermanentlyDeleteUsers is PermanentlyDeleteUser for many ids, with one
// result per id in the order given. Each batch of PermanentDeleteBatch ids
// is one transaction: authorization is checked once, each user is checked
// as PermanentlyDeleteUser checks it (a bad one is its result's error, and
// the others go on), and the good ones are erased together by the set
// statements of the purge, with one "Hard delete user" record each. An
// error of the batch itself fails every id of that batch, and erases none.
func (s *Service) PermanentlyDeleteUsers(ctx context.Context, tenantID string, ids []string) []BulkResult {
	out := make([]BulkResult, len(ids))
	for i, id := range ids {
		out[i].ID = id
	}
	for b := 0; b < len(ids); b += PermanentDeleteBatch {
		batch := out[b:min(b+PermanentDeleteBatch, len(out))]
		if err := s.permanentlyDeleteBatch(ctx, tenantID, batch); err != nil {
			for i := range batch {
				batch[i].Err = err
			}
		}
	}
	return out
}

// permanentlyDeleteBatch erases the users of batch that may be, setting
// each other one's Err.
func (s *Service) permanentlyDeleteBatch(ctx context.Context, tenantID string, batch []BulkResult) error {
	return s.write(ctx, func(o *op) error {
		if err := o.c.requireObjectTo(tenantID, permManage, "manage", "deleted user"); err != nil {
			return err
		}
		var users []*User
		first := map[string]int{} // a repeated id shares its first result
		for i := range batch {
			batch[i].Err = nil // a Write run again starts over
			if _, ok := first[batch[i].ID]; ok {
				continue
			}
			first[batch[i].ID] = i
			u, err := o.permanentlyDeletable(tenantID, batch[i].ID)
			if err != nil {
				if !IsKind(err, KindNotFound) && !IsKind(err, KindConflict) && !IsKind(err, KindForbidden) {
					return err
				}
				batch[i].Err = err
				continue
			}
			users = append(users, u)
		}
		for i := range batch {
			if j := first[batch[i].ID]; j != i {
				batch[i].Err = batch[j].Err
			}
		}
		if len(users) == 0 {
			return nil
		}
		return o.eraseAll(users)
	})
}

// permanentlyDeletable loads a deleted user that the caller, already
// allowed to manage deleted users, may delete permanently.
func (o *op) permanentlyDeletable(tenantID, id string) (*User, error) {
	if !ValidID(id) {
		return nil, notFound("deleted user")
	}
	u, err := o.tx.GetUser(o.ctx, tenantID, id)
	if IsKind(err, KindNotFound) {
		return nil, notFound("deleted user")
	}
	if err != nil {
		return nil, err
	}
	if !u.Deleted() {
		return nil, Errorf(KindConflict, "the user is not deleted; delete it first, then delete it permanently")
	}
	if err := o.guardAdmin(u); err != nil {
		return nil, err
	}
	return u, nil
}

// erase removes u and every copy of its personal data, in the op's one
// transaction: the user with its memberships, assignments, roles,
// invitations and password; its name, mail and UPN in every audit record;
// the tenant's e-mail to its address; its e-mail identity, passcodes and
// passcode e-mail when no other user is bound to them. The "Hard delete user" record names the
// user by id only.
func (o *op) erase(u *User, details ...KeyValue) error {
	ctx, tx := o.ctx, o.tx
	if err := tx.DeleteUser(ctx, u.TenantID, u.ID); err != nil {
		return err
	}
	if err := tx.ScrubAuditSubject(ctx, u.ID); err != nil {
		return err
	}
	if u.Mail != "" {
		// A live user of the same address (a new invitation) keeps its mail.
		_, err := tx.GetUserByMail(ctx, u.TenantID, u.Mail)
		switch {
		case IsKind(err, KindNotFound):
			if err := tx.DeleteMailTo(ctx, u.TenantID, u.Mail); err != nil {
				return err
			}
		case err != nil:
			return err
		}
	}
	if u.HomeEmailIdentityID != "" {
		others, err := tx.ListUsersByHome(ctx, "", u.HomeEmailIdentityID)
		if err != nil {
			return err
		}
		if len(others) == 0 {
			e, err := tx.GetEmailIdentity(ctx, u.HomeEmailIdentityID)
			switch {
			case err == nil:
				if err := tx.DeleteOneTimeCodes(ctx, e.Email); err != nil {
					return err
				}
				// The passcode e-mail of no tenant went to the identity.
				if err := tx.DeleteMailTo(ctx, "", e.Email); err != nil {
					return err
				}
				if err := tx.DeleteEmailIdentity(ctx, e.ID); err != nil {
					return err
				}
			case !IsKind(err, KindNotFound):
				return err
			}
		}
	}
	e := o.event(u.TenantID, ActivityHardDeleteUser, CategoryUserManagement, opDelete, AuditTarget{ID: u.ID, Type: targetUser})
	e.AdditionalDetails = details
	return o.audit(e)
}
