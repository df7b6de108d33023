"""The consultation call: availability, free slots, booking by the prospect (issue 24)."""
