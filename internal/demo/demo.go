package demo

import (
	"context"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// The demo's accounts. The passwords are public: they are printed at every
// start and written here.
const (
	ContosoDomain      = "contoso.example"
	FabrikamDomain     = "fabrikam.example"
	ContosoAdminUPN    = "admin@contoso.example"
	FabrikamAdminUPN   = "admin@fabrikam.example"
	AdaUPN             = "ada@fabrikam.example"
	GraceEmail         = "grace@example.org"
	ContosoAdminPass   = "Contoso-demo-2026"
	FabrikamAdminPass  = "Fabrikam-demo-2026"
	AdaPassword        = "Ada-demo-2026"
	GroupName          = "Project Falcon"
	AppName            = "Falcon Portal"
	AppRoleValue       = "Falcon.Read"
	AppRoleName        = "Falcon Reader"
	ContosoPrivacyMail = "privacy@contoso.example"
	ContosoPrivacyURL  = "https://contoso.example/privacy"
)

// actorName is who the audit log names for the seed's changes.
const actorName = "orgdir demo"

// Demo is what Seed found or made.
type Demo struct {
	Contoso, Fabrikam           *directory.Tenant
	ContosoAdmin, FabrikamAdmin *directory.User
	Ada                         *directory.User // Ada at home, a Fabrikam member
	// AdaGuest is Ada's guest user in Contoso: live, or in Deleted users
	// after she left.
	AdaGuest *directory.User
	Group    *directory.Group
	App      *directory.Application
	// AppSecret is the demo app's client secret made by this Seed: shown
	// once, by Print (only its hash is kept).
	AppSecret  string
	AppRole    directory.AppRole
	Assignment *directory.AppRoleAssignment // nil when AdaGuest is deleted
	Grace      *directory.User              // the pending guest
	// GraceInvite is the invitation made by this Seed; nil when Grace was
	// invited before (its token is kept only as a hash).
	GraceInvite *directory.InviteResult
}

// Seed makes the demo data, or finds it when it is there, and returns it.
// publicURL is where the server is reached (e.g. http://localhost:8080):
// invited guests are sent there after redeeming.
func Seed(ctx context.Context, svc *directory.Service, publicURL string) (*Demo, error) {
	ctx = directory.WithActor(ctx, directory.SystemActor(actorName))
	s := &seeder{svc: svc, redirect: strings.TrimRight(publicURL, "/") + "/"}
	d := &Demo{}
	var err error
	if d.Contoso, err = s.tenant(ctx, "Contoso", ContosoDomain); err != nil {
		return nil, err
	}
	if d.Fabrikam, err = s.tenant(ctx, "Fabrikam", FabrikamDomain); err != nil {
		return nil, err
	}
	if d.Contoso, err = s.privacy(ctx, d.Contoso); err != nil {
		return nil, err
	}
	if d.ContosoAdmin, err = s.admin(ctx, d.Contoso, ContosoAdminUPN, "Contoso Admin", ContosoAdminPass); err != nil {
		return nil, err
	}
	if d.FabrikamAdmin, err = s.admin(ctx, d.Fabrikam, FabrikamAdminUPN, "Fabrikam Admin", FabrikamAdminPass); err != nil {
		return nil, err
	}
	if d.Ada, err = s.member(ctx, d.Fabrikam, AdaUPN, "Ada Lovelace", AdaPassword); err != nil {
		return nil, err
	}
	if d.Group, err = s.group(ctx, d.Contoso); err != nil {
		return nil, err
	}
	if d.App, d.AppRole, err = s.app(ctx, d.Contoso); err != nil {
		return nil, err
	}
	if d.App, d.AppSecret, err = s.client(ctx, d.Contoso, d.App); err != nil {
		return nil, err
	}
	if d.AdaGuest, err = s.acceptedGuest(ctx, d.Contoso, d.Fabrikam, d.Ada); err != nil {
		return nil, err
	}
	if !d.AdaGuest.Deleted() {
		if err = s.membership(ctx, d.Contoso, d.Group, d.AdaGuest); err != nil {
			return nil, err
		}
		if d.Assignment, err = s.assignment(ctx, d.Contoso, d.App, d.AppRole, d.AdaGuest); err != nil {
			return nil, err
		}
	}
	if d.Grace, d.GraceInvite, err = s.pendingGuest(ctx, d.Contoso); err != nil {
		return nil, err
	}
	return d, nil
}
