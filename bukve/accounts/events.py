"""What the ledger announces to the layers above it (circulation, membership), which connect
their receivers in their AppConfig.ready. Signals are sent inside the booking's transaction,
with the member locked, so a receiver's writes commit or roll back with the payment."""

from django.dispatch import Signal

# A payment or correction settled some of the member's debt (keyword argument: member).
# Circulation ends the "in collection" state once all is back and paid; membership completes
# an online registration that waited for its fee.
debts_settled = Signal()
