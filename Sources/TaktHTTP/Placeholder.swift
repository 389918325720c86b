// TaktHTTP
