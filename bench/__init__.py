"""The benchmark: familiensite against Hugo and Pelican on the same synthetic items (``make bench``)."""
