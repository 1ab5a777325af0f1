"""What the catalogue announces to the layers above it (circulation), which connect their
receivers in their AppConfig.ready. Sent inside the service's transaction, with the copy
locked, so a receiver's writes commit or roll back with it."""

from django.dispatch import Signal

# A copy was withdrawn (keyword arguments: item, day). Circulation gives a hold that was to
# be pulled from it another copy.
copy_withdrawn = Signal()
