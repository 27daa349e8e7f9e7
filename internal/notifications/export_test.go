package notifications

import "crypto/x509"

// SetBatch makes claims smaller, so that tests see several batches.
func (m *Mailer) SetBatch(n int) { m.batch = n }

// SetRootCAs trusts a test server's certificate.
func (m *Mailer) SetRootCAs(roots *x509.CertPool) { m.roots = roots }
