// TaktCore
