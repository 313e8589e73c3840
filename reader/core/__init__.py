"""The reader's pure core: archives, articles, conversion and layout. No Textual here."""
