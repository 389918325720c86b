// TaktStoreSQLite
