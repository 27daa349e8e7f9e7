package cases

// SetCodeText makes s draw the random characters of person codes from
// text, so that a test can take every short code at once.
func SetCodeText(s *Store, text func() string) { s.codeText = text }
