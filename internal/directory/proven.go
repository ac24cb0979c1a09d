package directory

import (
	"slices"
	"strings"
)

// Proven addresses. Nothing ties a person to another tenant's objects by an
// address someone merely typed: an invitation is redeemed, and a pending
// invitation is shown in a person's export, only for an address the person
// has proven to be theirs:
//
//   - a member's userPrincipalName: they sign in with it, and it is in
//     their tenant's domain, which only the operator gives out;
//   - a member's mail only when it is that userPrincipalName or is in their
//     own tenant's domain: an administrator may type any mail on a member,
//     but only the tenant's own domain is theirs to give;
//   - an e-mail identity's address: orgdir creates an identity only after
//     a one-time passcode sent to the address was entered (or when the
//     operator's CLI, the system actor, vouches for it).

// memberAddresses returns the addresses member u of tenant t has proven.
func memberAddresses(u *User, t *Tenant) []string {
	out := []string{u.UserPrincipalName}
	if u.Mail == "" || strings.EqualFold(u.Mail, u.UserPrincipalName) {
		return out
	}
	if _, domain, ok := strings.Cut(u.Mail, "@"); ok && strings.EqualFold(domain, t.InitialDomain) {
		out = append(out, u.Mail)
	}
	return out
}

// provenAddresses returns the addresses the person has proven: none for a
// person unknown.
func (o *op) provenAddresses(p *person) ([]string, error) {
	switch {
	case p.home != nil:
		t, err := o.tx.GetTenant(o.ctx, p.home.TenantID)
		if err != nil {
			return nil, err
		}
		return memberAddresses(p.home, t), nil
	case p.email != nil:
		return []string{p.email.Email}, nil
	}
	return nil, nil
}

// provenFor reports whether addr is one of the proven addresses, whatever
// its case: an address is the mailbox, whatever the spelling.
func provenFor(proven []string, addr string) bool {
	return slices.ContainsFunc(proven, func(p string) bool { return strings.EqualFold(p, addr) })
}

// maskAddress hides all of an address but its first character and its
// domain (grace@example.org: g***@example.org), enough for its owner to
// recognize it, and too little for anyone else to learn it.
func maskAddress(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" {
		return "***"
	}
	r := []rune(local)
	return string(r[0]) + "***@" + domain
}
