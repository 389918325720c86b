// TaktStore
