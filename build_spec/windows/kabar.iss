; Kabar for Windows: the Inno Setup 6 script (Inno Setup 6.3 or later) around the PyInstaller
; onedir bundle dist\kabar\ (build_spec\kabar.spec). Build steps: docs/admin-guide.md,
; "Windows installer". Written and checked on Linux only: it has NOT been compiled or run here.
;
;   iscc /DAppVersion=0.1.0 build_spec\windows\kabar.iss   ->  dist\kabar-setup-0.1.0.exe
;
; Silent roll-out (per user, no administrator needed):
;   kabar-setup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG="%TEMP%\kabar-setup.log"
;       /SERVERURL=https://kabar.kaltimprov.go.id /FACILITY=P6408040201 /CAFILE=\\dinkes\it\ca.pem
;       /LOCKED=1
; For all users of the laptop add /ALLUSERS (needs an administrator).
;
; The parameters /SERVERURL= /FACILITY= /CAFILE= /PROXY= /LOCKED= are written to site.toml
; (template: site.toml.in next to this script; tests/test_windows_installer.py renders it the
; way [Code] does and parses the result with sync.siteconfig):
;   per-user install   -> {app}\site.toml            (the app's folder: the app looks there)
;   all-users install  -> {commonappdata}\Kabar\site.toml = C:\ProgramData\Kabar\site.toml
;                         (platformdirs.site_config_dir("Kabar"): searched first)
; /CAFILE is copied next to site.toml as kabar-ca.pem. Without any of these parameters an
; upgrade leaves an existing site.toml as it is; with any of them the file is written anew
; from the given parameters only.
; A bad parameter aborts before anything is installed: exit code 1 and a "Kabar:" line in the
; setup log (and a message box unless /SUPPRESSMSGBOXES). A site.toml that could not be written
; after installing gives exit code 10.

#ifndef AppVersion
  #error Give the app version: iscc /DAppVersion=X.Y.Z (py build_spec\windows\appversion.py prints it)
#endif
#define BundleDir AddBackslash(SourcePath) + "..\..\dist\kabar"
#if !FileExists(BundleDir + "\kabar.exe")
  #error dist\kabar\kabar.exe is missing: build the bundle first (pyinstaller build_spec\kabar.spec)
#endif
#if !FileExists(AddBackslash(SourcePath) + "Indonesian.isl")
  #error Indonesian.isl is missing: Inno Setup does not install its unofficial translations; download Indonesian.isl from https://jrsoftware.org/files/istrans/ into build_spec\windows
#endif

[Setup]
; Fixed forever: upgrades and the uninstaller find the installed Kabar by it.
AppId={{6F0B5C2E-8D2A-4B8F-9C61-2E7A4D3B9A15}
AppName=Kabar
AppVersion={#AppVersion}
AppVerName=Kabar {#AppVersion}
AppPublisher=Kabar - laporan harian puskesmas
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\Kabar
DefaultGroupName=Kabar
DisableProgramGroupPage=yes
; Per user by default (no administrator on most puskesmas laptops); /ALLUSERS or the dialog
; installs for everyone.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
; PySide6 6.x: 64-bit Windows 10 or later only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
UninstallDisplayIcon={app}\kabar.exe
UninstallDisplayName=Kabar
OutputDir=..\..\dist
OutputBaseFilename=kabar-setup-{#AppVersion}
; Inno's own LZMA2, no executable packers (UPX and the like anger antivirus programs).
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
; A running Kabar is closed (it saves as it goes) before its files are replaced.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "id"; MessagesFile: "Indonesian.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
id.DesktopIcon=Buat ikon di desktop
en.DesktopIcon=Create a desktop icon
id.LaunchKabar=Jalankan Kabar
en.LaunchKabar=Start Kabar
id.BadServerUrl=Parameter /SERVERURL harus alamat http:// atau https://, bukan: %1
en.BadServerUrl=The /SERVERURL parameter must be an http:// or https:// address, not: %1
id.BadFacility=Parameter /FACILITY harus kode fasilitas tanpa spasi, bukan: %1
en.BadFacility=The /FACILITY parameter must be a facility code without spaces, not: %1
id.BadProxy=Parameter /PROXY harus alamat http://host:port, bukan: %1
en.BadProxy=The /PROXY parameter must be an http://host:port address, not: %1
id.BadLocked=Parameter /LOCKED harus 1 atau 0, bukan: %1
en.BadLocked=The /LOCKED parameter must be 1 or 0, not: %1
id.BadCaFile=Berkas /CAFILE tidak ada atau bukan sertifikat PEM: %1
en.BadCaFile=The /CAFILE file is missing or not a PEM certificate: %1
id.SiteNotWritten=Pengaturan situs tidak dapat ditulis ke %1. Kabar terpasang tanpa pengaturan itu.
en.SiteNotWritten=The site settings could not be written to %1. Kabar is installed without them.

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "site.toml.in"; Flags: dontcopy

[Icons]
Name: "{autoprograms}\Kabar"; Filename: "{app}\kabar.exe"
Name: "{autodesktop}\Kabar"; Filename: "{app}\kabar.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\kabar.exe"; Description: "{cm:LaunchKabar}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] on purpose: the officer's figures live in %LOCALAPPDATA%\Kabar
; (platformdirs user_data_dir, with the backups) and the logs in %LOCALAPPDATA%\Kabar\Logs;
; neither is ever removed by the uninstaller, so a reinstall finds every saved figure. The
; site.toml written below is not an installed file either: it stays for a reinstall.

[Code]
var
  SiteFailed: Boolean;

{ A TOML basic string: quotes, backslashes (Windows paths!) and control characters escaped;
  everything else, unicode included, is written as is (the file is UTF-8).
  tests/test_windows_installer.py holds these exact three rules. }
function TomlString(const S: String): String;
var
  I, Code: Integer;
  C: Char;
begin
  Result := '"';
  for I := 1 to Length(S) do
  begin
    C := S[I];
    Code := Ord(C);
    if C = '\' then
      Result := Result + '\\'
    else if C = '"' then
      Result := Result + '\"'
    else if (Code < 32) or (Code = 127) then
      Result := Result + '\u' + Format('%.4x', [Code])
    else
      Result := Result + C;
  end;
  Result := Result + '"';
end;

function Param(const Name: String): String;
begin
  Result := Trim(ExpandConstant('{param:' + Name + '|}'));
end;

function HasSpace(const S: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to Length(S) do
    if Ord(S[I]) <= 32 then
      Result := True;
end;

{ http(s)://host... : what sync.siteconfig.clean_server_url accepts, roughly (the app checks
  it exactly at start and names this file if it disagrees). }
function IsHttpUrl(const S: String): Boolean;
var
  L: String;
begin
  L := Lowercase(S);
  Result := not HasSpace(S) and
    (((Pos('http://', L) = 1) and (Length(L) > 7)) or
     ((Pos('https://', L) = 1) and (Length(L) > 8)));
end;

function LockedValue(const S: String): String;
var
  L: String;
begin
  L := Lowercase(S);
  if (L = '1') or (L = 'true') or (L = 'yes') then
    Result := 'true'
  else if (L = '0') or (L = 'false') or (L = 'no') then
    Result := 'false'
  else
    Result := '';
end;

function IsPemFile(const Path: String): Boolean;
var
  Text: AnsiString;
begin
  Result := FileExists(Path) and LoadStringFromFile(Path, Text) and
    (Pos('-----BEGIN CERTIFICATE-----', String(Text)) > 0);
end;

procedure Complain(const MessageName, Value: String);
var
  Text: String;
begin
  Text := FmtMessage(CustomMessage(MessageName), [Value]);
  Log('Kabar: ' + Text);
  SuppressibleMsgBox(Text, mbError, MB_OK, IDOK);
end;

function Refuse(const MessageName, Value: String): Boolean;
begin
  Complain(MessageName, Value);
  Result := False;
end;

function SiteParametersGiven(): Boolean;
begin
  Result := (Param('SERVERURL') <> '') or (Param('FACILITY') <> '') or
    (Param('CAFILE') <> '') or (Param('PROXY') <> '') or (Param('LOCKED') <> '');
end;

{ Checked before anything is installed: a bad roll-out command stops here (exit code 1). }
function InitializeSetup(): Boolean;
begin
  Result := True;
  if (Param('SERVERURL') <> '') and not IsHttpUrl(Param('SERVERURL')) then
    Result := Refuse('BadServerUrl', Param('SERVERURL'))
  else if HasSpace(Param('FACILITY')) then
    Result := Refuse('BadFacility', Param('FACILITY'))
  else if (Param('PROXY') <> '') and not IsHttpUrl(Param('PROXY')) then
    Result := Refuse('BadProxy', Param('PROXY'))
  else if (Param('LOCKED') <> '') and (LockedValue(Param('LOCKED')) = '') then
    Result := Refuse('BadLocked', Param('LOCKED'))
  else if (Param('CAFILE') <> '') and not IsPemFile(ExpandFileName(Param('CAFILE'))) then
    Result := Refuse('BadCaFile', ExpandFileName(Param('CAFILE')));
end;

{ Where the app looks (sync/siteconfig.py default_search_dirs): ProgramData\Kabar for an
  all-users install, the app's own folder for a per-user one. }
function SiteDir(): String;
begin
  if IsAdminInstallMode then
    Result := ExpandConstant('{commonappdata}\Kabar')
  else
    Result := ExpandConstant('{app}');
end;

{ One template line: '' drops it (its parameter was not given). }
function RenderLine(const Line, CaPath: String): String;
begin
  Result := Line;
  if Pos('@SERVERURL@', Result) > 0 then
    if Param('SERVERURL') = '' then Result := ''
    else StringChangeEx(Result, '@SERVERURL@', TomlString(Param('SERVERURL')), True);
  if Pos('@FACILITY@', Result) > 0 then
    if Param('FACILITY') = '' then Result := ''
    else StringChangeEx(Result, '@FACILITY@', TomlString(Param('FACILITY')), True);
  if Pos('@CAFILE@', Result) > 0 then
    if CaPath = '' then Result := ''
    else StringChangeEx(Result, '@CAFILE@', TomlString(CaPath), True);
  if Pos('@PROXY@', Result) > 0 then
    if Param('PROXY') = '' then Result := ''
    else StringChangeEx(Result, '@PROXY@', TomlString(Param('PROXY')), True);
  if Pos('@LOCKED@', Result) > 0 then
    if Param('LOCKED') = '' then Result := ''
    else StringChangeEx(Result, '@LOCKED@', LockedValue(Param('LOCKED')), True);
end;

procedure WriteSiteFile();
var
  Dir, CaPath, Line: String;
  Template, Lines: TArrayOfString;
  I, N: Integer;
begin
  Dir := SiteDir();
  if not ForceDirectories(Dir) then
  begin
    SiteFailed := True;
    Complain('SiteNotWritten', Dir);
    Exit;
  end;
  CaPath := '';
  if Param('CAFILE') <> '' then
  begin
    CaPath := Dir + '\kabar-ca.pem';
    if not FileCopy(ExpandFileName(Param('CAFILE')), CaPath, False) then
    begin
      SiteFailed := True;
      Complain('SiteNotWritten', CaPath);
      Exit;
    end;
  end;
  ExtractTemporaryFile('site.toml.in');
  if not LoadStringsFromFile(ExpandConstant('{tmp}\site.toml.in'), Template) then
  begin
    SiteFailed := True;
    Complain('SiteNotWritten', Dir + '\site.toml');
    Exit;
  end;
  N := 0;
  SetArrayLength(Lines, GetArrayLength(Template));
  for I := 0 to GetArrayLength(Template) - 1 do
  begin
    Line := RenderLine(Template[I], CaPath);
    if Line <> '' then
    begin
      Lines[N] := Line;
      N := N + 1;
    end;
  end;
  SetArrayLength(Lines, N);
  { UTF-8 (a BOM, if written, is accepted by the app) }
  if SaveStringsToUTF8File(Dir + '\site.toml', Lines, False) then
    Log('Kabar: site settings written to ' + Dir + '\site.toml')
  else
  begin
    SiteFailed := True;
    Complain('SiteNotWritten', Dir + '\site.toml');
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if (CurStep = ssPostInstall) and SiteParametersGiven() then
    WriteSiteFile();
end;

function GetCustomSetupExitCode(): Integer;
begin
  if SiteFailed then
    Result := 10
  else
    Result := 0;
end;
