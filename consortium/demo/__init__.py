"""The living demo: the real Swedish municipality list and Sambruk's tools and councils."""
