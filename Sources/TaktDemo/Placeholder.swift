// TaktDemo
