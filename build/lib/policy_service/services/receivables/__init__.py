"""Receivables: invoices, payments, adjustments, classes, the aging report, stop-supply."""
