package server

import "net/url"

// cloneValues copies a query, so that a link built from it leaves the
// request's own alone.
func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// pageURLs are the links of a list paged by keyset at path with the query
// q (without its cursor): its first page, "" on it, and its next, "" on
// the last.
func pageURLs(path string, q url.Values, paged bool, next string) (first, nextURL string) {
	if paged {
		first = path
		if len(q) > 0 {
			first += "?" + q.Encode()
		}
	}
	if next != "" {
		n := cloneValues(q)
		n.Set("after", next)
		nextURL = path + "?" + n.Encode()
	}
	return first, nextURL
}
