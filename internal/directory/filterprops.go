package directory

// PropertyType is the type of a property a Filter may name; it decides
// which operators and literals a comparison takes.
type PropertyType int

const (
	PropText     PropertyType = iota + 1 // eq, ne, startswith; null is the empty text
	PropBool                             // eq, ne
	PropDateTime                         // eq, ne, gt, ge, lt, le; null
	PropInt                              // eq, ne, gt, ge, lt, le (an int64 literal)
)

func (t PropertyType) String() string {
	switch t {
	case PropText:
		return "String"
	case PropBool:
		return "Boolean"
	case PropDateTime:
		return "DateTimeOffset"
	case PropInt:
		return "Int64"
	}
	return "unknown"
}

// FilterProperties are the Graph property names one listing's Filter may
// name, with their types. They are declared once, here: the API checks
// $filter against them and each store maps them to its columns, and a
// store test fails when the two drift apart.
type FilterProperties map[string]PropertyType

// UserFilter is what a UserQuery's Filter may name, for live and deleted
// users alike.
var UserFilter = FilterProperties{
	"id": PropText, "displayName": PropText, "userPrincipalName": PropText,
	"mail": PropText, "userType": PropText, "accountEnabled": PropBool,
	"externalUserState": PropText, "creationType": PropText,
	"createdDateTime": PropDateTime, "deletedDateTime": PropDateTime,
	"signInActivity/lastSignInDateTime":               PropDateTime,
	"signInActivity/lastNonInteractiveSignInDateTime": PropDateTime,
}

// GroupFilter is what a GroupQuery's Filter may name.
var GroupFilter = FilterProperties{"id": PropText, "displayName": PropText}

// AuditFilter is what an AuditQuery's Filter may name.
var AuditFilter = FilterProperties{
	"activityDateTime": PropDateTime, "activityDisplayName": PropText,
	"category": PropText, "result": PropText,
}
