import Foundation
import TaktCore
import TaktEngine
import TaktOrchestration
