"""The word lists the recognizers read: pure data, and the Faker lists they are built from.

``faker_provider`` finds a Faker provider of a locale; ``people``, ``places`` and
``streets`` build folded word sets from Faker's lists (once, cached) and hold our own;
``cues`` holds the words that, near a value, say what it is.
"""
