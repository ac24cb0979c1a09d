// Package odata parses the OData system query options of orgdir's
// Graph-shaped API ($filter, $select, $top, $orderby, $count, $search and
// $skiptoken) into the domain's query types.
//
// The $filter parser is a small lexer and recursive-descent parser that
// produces a directory.Filter; Format prints a filter back in the same
// syntax. Every option is checked against a Spec that says what one resource
// supports, and anything it does not support is an *Error with Unsupported
// set (the API answers 400 Request_UnsupportedQuery): nothing is ignored
// silently. Every option's length, and a filter's nesting and number of
// comparisons, are bounded, so that no query makes the store work hard.
// The package knows nothing of HTTP beyond url.Values.
package odata
