// TaktEngine
