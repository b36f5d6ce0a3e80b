"""`graphkit review`: extracted sources become reviewed ones in the browser (`workspace` does the
files, `app` serves the screen)."""
