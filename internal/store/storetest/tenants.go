package storetest

import (
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
)

var tenantTests = map[string]func(*testing.T, *fx){
	"CreateThenGetReturnsTheSameTenant": func(t *testing.T, f *fx) {
		tn := &directory.Tenant{
			ID: directory.NewID(), DisplayName: "Contoso", InitialDomain: "contoso.example", CreatedAt: base,
			Settings: directory.TenantSettings{AllowExternalUsersToLeave: false, PrivacyContactEmail: "privacy@contoso.example",
				PrivacyStatementURL: "https://contoso.example/privacy", RetentionDays: 7},
		}
		f.write(func(tx directory.Tx) error { return tx.CreateTenant(f.ctx, tn) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetTenant(f.ctx, tn.ID)
			wantNoErr(t, err)
			sameJSON(t, got, tn)
			return nil
		})
	},
	"GetByDomainIgnoresCase": func(t *testing.T, f *fx) {
		tn := f.tenant()
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetTenantByDomain(f.ctx, upper(tn.InitialDomain))
			wantNoErr(t, err)
			sameJSON(t, got, tn)
			return nil
		})
	},
	"DuplicateDomainIgnoringCaseIsConflict": func(t *testing.T, f *fx) {
		tn := f.tenant()
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.CreateTenant(f.ctx, &directory.Tenant{ID: directory.NewID(), DisplayName: "Other",
				InitialDomain: upper(tn.InitialDomain), CreatedAt: base, Settings: directory.DefaultTenantSettings()})
		})
		wantKind(t, err, directory.KindConflict)
	},
	"DuplicateIDIsConflict": func(t *testing.T, f *fx) {
		tn := f.tenant()
		err := f.tryWrite(func(tx directory.Tx) error {
			dup := *tn
			dup.InitialDomain = "other.example"
			return tx.CreateTenant(f.ctx, &dup)
		})
		wantKind(t, err, directory.KindConflict)
	},
	"UnknownIsNotFound": func(t *testing.T, f *fx) {
		f.tenant()
		f.read(func(tx directory.Tx) error {
			_, err := tx.GetTenant(f.ctx, directory.NewID())
			wantKind(t, err, directory.KindNotFound)
			_, err = tx.GetTenantByDomain(f.ctx, "nowhere.example")
			wantKind(t, err, directory.KindNotFound)
			return nil
		})
		err := f.tryWrite(func(tx directory.Tx) error {
			return tx.UpdateTenant(f.ctx, &directory.Tenant{ID: directory.NewID(), DisplayName: "x", InitialDomain: "x.example"})
		})
		wantKind(t, err, directory.KindNotFound)
	},
	"UpdateWritesNameAndSettings": func(t *testing.T, f *fx) {
		tn := f.tenant()
		tn.DisplayName = "Renamed"
		tn.Settings = directory.TenantSettings{AllowExternalUsersToLeave: false, PrivacyContactEmail: "p@x.example",
			PrivacyStatementURL: "https://x.example/p", RetentionDays: 90}
		f.write(func(tx directory.Tx) error { return tx.UpdateTenant(f.ctx, tn) })
		f.read(func(tx directory.Tx) error {
			got, err := tx.GetTenant(f.ctx, tn.ID)
			wantNoErr(t, err)
			sameJSON(t, got, tn)
			return nil
		})
	},
	"ListReturnsEveryTenant": func(t *testing.T, f *fx) {
		a, b := f.tenant(), f.tenant()
		f.read(func(tx directory.Tx) error {
			got, err := tx.ListTenants(f.ctx)
			wantNoErr(t, err)
			sameJSON(t, got, []*directory.Tenant{a, b}) // by display name: "Tenant 1", "Tenant 2"
			return nil
		})
	},
}
