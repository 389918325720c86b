// TaktScheduling
