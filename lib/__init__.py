"""Generic machinery that needs no Django: the bottom layer every app may import."""
