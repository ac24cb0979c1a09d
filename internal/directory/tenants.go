package directory

import (
	"context"
	"strings"
)

// CreateTenant creates an organization with default settings (system actor
// only: the CLI and the demo seed).
func (s *Service) CreateTenant(ctx context.Context, displayName, initialDomain string) (*Tenant, error) {
	name, err := validDisplayName("displayName", displayName)
	if err != nil {
		return nil, err
	}
	domain, err := validDomain("initialDomain", initialDomain)
	if err != nil {
		return nil, err
	}
	var t *Tenant
	err = s.write(ctx, func(o *op) error {
		if !o.c.system() {
			return Errorf(KindForbidden, "only orgdir's administrator may create organizations")
		}
		t = &Tenant{ID: s.newID(), DisplayName: name, InitialDomain: domain, CreatedAt: o.now, Settings: DefaultTenantSettings()}
		if err := o.tx.CreateTenant(o.ctx, t); err != nil {
			if IsKind(err, KindConflict) {
				return Errorf(KindConflict, "the domain %s is already used by another organization", domain)
			}
			return err
		}
		return o.audit(o.event(t.ID, ActivityAddTenant, CategoryPolicy, opAdd,
			AuditTarget{ID: t.ID, Type: targetOther, DisplayName: t.DisplayName}))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// GetTenant returns an organization to its users (members and guests alike,
// who need its privacy contact).
func (s *Service) GetTenant(ctx context.Context, id string) (*Tenant, error) {
	var t *Tenant
	err := s.read(ctx, func(o *op) error {
		if !o.c.inTenant(id) {
			return notFound("organization")
		}
		var err error
		t, err = o.tenant(id)
		return err
	})
	return t, err
}

// GetTenantByDomain is GetTenant by initial domain.
func (s *Service) GetTenantByDomain(ctx context.Context, domain string) (*Tenant, error) {
	var t *Tenant
	domain = strings.ToLower(strings.TrimSpace(domain))
	err := s.read(ctx, func(o *op) error {
		if validDomainSyntax(domain) != nil {
			return notFound("organization") // names nothing, on every store
		}
		got, err := o.tx.GetTenantByDomain(o.ctx, domain)
		if IsKind(err, KindNotFound) {
			return notFound("organization")
		}
		if err != nil {
			return err
		}
		if !o.c.inTenant(got.ID) {
			return notFound("organization")
		}
		t = got
		return nil
	})
	return t, err
}

// ListTenants lists every organization of the instance (system actor only).
func (s *Service) ListTenants(ctx context.Context) ([]*Tenant, error) {
	var out []*Tenant
	err := s.read(ctx, func(o *op) error {
		if !o.c.system() {
			return Errorf(KindForbidden, "only orgdir's administrator may list organizations")
		}
		var err error
		out, err = o.tx.ListTenants(o.ctx)
		return err
	})
	return out, err
}

// UpdateTenant changes an organization's name and settings (Global
// Administrator). As in Entra, self-service leave can only be switched off
// once the tenant has privacy information, so that every refusal can point
// the guest to a contact.
func (s *Service) UpdateTenant(ctx context.Context, tenantID string, p TenantPatch) (*Tenant, error) {
	var t *Tenant
	err := s.write(ctx, func(o *op) error {
		if err := o.c.require(tenantID, permSettings); err != nil {
			return err
		}
		old, err := o.tenant(tenantID)
		if err != nil {
			return err
		}
		nt := *old
		if p.DisplayName != nil {
			if nt.DisplayName, err = validDisplayName("displayName", *p.DisplayName); err != nil {
				return err
			}
		}
		if p.PrivacyContactEmail != nil {
			nt.Settings.PrivacyContactEmail = ""
			if strings.TrimSpace(*p.PrivacyContactEmail) != "" {
				if nt.Settings.PrivacyContactEmail, err = ValidateEmail("privacyContactEmail", *p.PrivacyContactEmail); err != nil {
					return err
				}
			}
		}
		if p.PrivacyStatementURL != nil {
			nt.Settings.PrivacyStatementURL = ""
			if strings.TrimSpace(*p.PrivacyStatementURL) != "" {
				if nt.Settings.PrivacyStatementURL, err = validHTTPURL("privacyStatementUrl", *p.PrivacyStatementURL); err != nil {
					return err
				}
			}
		}
		if p.RetentionDays != nil {
			if err := validRetention("retentionDays", *p.RetentionDays); err != nil {
				return err
			}
			nt.Settings.RetentionDays = *p.RetentionDays
		}
		if p.AccessTokenMinutes != nil {
			if m := *p.AccessTokenMinutes; m < MinAccessTokenMinutes || m > MaxAccessTokenMinutes {
				return Invalidf("accessTokenLifetimeInMinutes", "accessTokenLifetimeInMinutes must be between %d and %d minutes, not %d",
					MinAccessTokenMinutes, MaxAccessTokenMinutes, m)
			}
			nt.Settings.AccessTokenMinutes = *p.AccessTokenMinutes
		}
		if p.AllowExternalUsersToLeave != nil {
			nt.Settings.AllowExternalUsersToLeave = *p.AllowExternalUsersToLeave
		}
		if !nt.Settings.AllowExternalUsersToLeave && nt.Settings.PrivacyContactEmail == "" && nt.Settings.PrivacyStatementURL == "" {
			if old.Settings.AllowExternalUsersToLeave {
				return Invalidf("allowExternalUsersToLeave", "set a privacy contact e-mail or statement URL before turning off self-service leave, so that guests know whom to ask")
			}
			if old.Settings.PrivacyContactEmail != "" || old.Settings.PrivacyStatementURL != "" {
				return Invalidf("privacyContactEmail", "keep a privacy contact e-mail or statement URL while self-service leave is off, so that guests know whom to ask")
			}
		}

		var company, policy []ModifiedProperty
		add := func(list *[]ModifiedProperty, m ModifiedProperty, ok bool) {
			if ok {
				*list = append(*list, m)
			}
		}
		m, ok := changed("displayName", old.DisplayName, nt.DisplayName)
		add(&company, m, ok)
		m, ok = changed("privacyProfile.contactEmail", old.Settings.PrivacyContactEmail, nt.Settings.PrivacyContactEmail)
		add(&company, m, ok)
		m, ok = changed("privacyProfile.statementUrl", old.Settings.PrivacyStatementURL, nt.Settings.PrivacyStatementURL)
		add(&company, m, ok)
		m, ok = changed("deletedUserRetentionDays", old.Settings.RetentionDays, nt.Settings.RetentionDays)
		add(&company, m, ok)
		m, ok = changed("accessTokenLifetimeInMinutes", old.Settings.AccessTokenMinutes, nt.Settings.AccessTokenMinutes)
		add(&policy, m, ok)
		m, ok = changed("allowExternalIdentitiesToLeave", old.Settings.AllowExternalUsersToLeave, nt.Settings.AllowExternalUsersToLeave)
		add(&policy, m, ok)
		t = &nt
		if len(company) == 0 && len(policy) == 0 {
			return nil
		}
		if err := o.tx.UpdateTenant(o.ctx, &nt); err != nil {
			return err
		}
		if len(company) > 0 {
			if err := o.audit(o.event(tenantID, ActivityUpdateTenant, CategoryPolicy, opUpdate,
				AuditTarget{ID: nt.ID, Type: targetOther, DisplayName: nt.DisplayName, ModifiedProperties: company})); err != nil {
				return err
			}
		}
		if len(policy) > 0 {
			return o.audit(o.event(tenantID, ActivityUpdatePolicy, CategoryPolicy, opUpdate,
				AuditTarget{ID: nt.ID, Type: targetPolicy, DisplayName: "externalIdentitiesPolicy", ModifiedProperties: policy}))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
