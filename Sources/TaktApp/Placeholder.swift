// TaktApp
