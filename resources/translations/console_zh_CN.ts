<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CameraPanel</name>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="40"/>
        <source>Distance (m)</source>
        <translation>距离（米）</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="49"/>
        <source>Open stream</source>
        <translation>打开视频流</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="112"/>
        <source>Select an object or an incident to see the cameras nearest to it.</source>
        <translation>选择一个对象或事件，查看离它最近的摄像头。</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="116"/>
        <source>Cameras nearest to %1</source>
        <translation>离 %1 最近的摄像头</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="121"/>
        <source>No camera within %1 m.</source>
        <translation>%1 米内没有摄像头。</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="171"/>
        <source>%1 has no valid stream address.</source>
        <translation>%1 没有有效的视频流地址。</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="182"/>
        <source>Playing %1.</source>
        <translation>正在播放 %1。</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="184"/>
        <source>%1 handed to the system&apos;s video player.</source>
        <translation>%1 已交给系统视频播放器。</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="186"/>
        <source>No program on this computer opens %1. Install the &apos;video&apos; extra to play streams in the console.</source>
        <translation>本机没有能打开 %1 的程序。安装 &apos;video&apos; 扩展后可在控制台内播放视频流。</translation>
    </message>
</context>
<context>
    <name>CityStateDialog</name>
    <message>
        <location filename="../../console/qt/task_desk.py" line="464"/>
        <source>Signals and response level</source>
        <translation>预警信号与响应等级</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="467"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="469"/>
        <source>Typhoon signal</source>
        <translation>台风预警信号</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="470"/>
        <source>Rainstorm signal</source>
        <translation>暴雨预警信号</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="471"/>
        <source>Response level</source>
        <translation>响应等级</translation>
    </message>
</context>
<context>
    <name>FeedDialog</name>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="44"/>
        <source>Configure feeds</source>
        <translation>配置数据源</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="50"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="50"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="57"/>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="59"/>
        <source>Option</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="59"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="62"/>
        <source>Add option</source>
        <translation>添加选项</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="65"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="66"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="70"/>
        <source>Options (TOML values; see resources/config/feeds.example.toml)</source>
        <translation>选项（TOML 取值，参见 resources/config/feeds.example.toml）</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="104"/>
        <source>new feed</source>
        <translation>新数据源</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="184"/>
        <source>Cannot save the feeds: %1</source>
        <translation>无法保存数据源配置：%1</translation>
    </message>
</context>
<context>
    <name>FeedPanel</name>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="36"/>
        <source>Feed</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="36"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="36"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="37"/>
        <source>Last message</source>
        <translation>最近消息</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="37"/>
        <source>Msg/s</source>
        <translation>消息/秒</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="37"/>
        <source>Accepted</source>
        <translation>已接收</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="38"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="46"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="46"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="46"/>
        <source>Message</source>
        <translation>消息内容</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="50"/>
        <source>Rejected messages (the last 100 of the selected feed)</source>
        <translation>被拒绝的消息（所选数据源最近 100 条）</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="72"/>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
</context>
<context>
    <name>IdentifyPanel</name>
    <message>
        <location filename="../../console/qt/identify_panel.py" line="44"/>
        <source>Click an object on the map to see its attributes.</source>
        <translation>在地图上点击对象以查看其属性。</translation>
    </message>
    <message>
        <location filename="../../console/qt/identify_panel.py" line="49"/>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../console/qt/identify_panel.py" line="53"/>
        <source>Longitude, latitude</source>
        <translation>经度，纬度</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="21"/>
        <location filename="../../console/qt/import_dialog.py" line="56"/>
        <source>Import data</source>
        <translation>导入数据</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="26"/>
        <source>GeoJSON, CSV or GeoPackage file</source>
        <translation>GeoJSON、CSV 或 GeoPackage 文件</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="27"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="35"/>
        <source>The coordinate system the file is in; GCJ-02 for Amap or Tencent data, BD-09 for Baidu; any EPSG:n</source>
        <translation>文件所用坐标系：高德、腾讯数据为 GCJ-02，百度为 BD-09；也可填 EPSG:n</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="38"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="39"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="40"/>
        <source>Coordinate system</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="56"/>
        <source>Data files (*.geojson *.json *.csv *.gpkg)</source>
        <translation>数据文件 (*.geojson *.json *.csv *.gpkg)</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="71"/>
        <source>Cannot import: %1</source>
        <translation>无法导入：%1</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="75"/>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="76"/>
        <source>%1: %2 objects loaded, %3 rejected.</source>
        <translation>%1：已导入 %2 个对象，拒绝 %3 条。</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <location filename="../../console/qt/layer_panel.py" line="61"/>
        <source>Basemap</source>
        <translation>底图</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/qt/main_window.py" line="65"/>
        <source>Emergency Command Console — Shanghai</source>
        <translation>应急指挥控制台 — 上海</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="77"/>
        <source>Drawn when zoomed in to street scale</source>
        <translation>放大到街道尺度时显示</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="86"/>
        <source>Layers and legend</source>
        <translation>图层与图例</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="89"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="92"/>
        <source>Feed health</source>
        <translation>数据源状态</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="110"/>
        <location filename="../../console/qt/main_window.py" line="112"/>
        <source>Tasks and alerts</source>
        <translation>任务与预警</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="100"/>
        <source>Nearest cameras</source>
        <translation>附近摄像头</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="103"/>
        <source>Sensor readings</source>
        <translation>传感器读数</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="111"/>
        <source>City vital signs</source>
        <translation>城市体征</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="118"/>
        <source>Replay timeline</source>
        <translation>回放时间轴</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="145"/>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="153"/>
        <source>Whole city</source>
        <translation>全市</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="155"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="156"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="159"/>
        <source>Zoom to district…</source>
        <translation>缩放到区…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="166"/>
        <source>Search by name or ID (Enter)</source>
        <translation>按名称或编号搜索（回车）</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="174"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="175"/>
        <source>&amp;Import data…</source>
        <translation>导入数据(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="177"/>
        <source>Open a recording for &amp;replay…</source>
        <translation>打开记录回放(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="178"/>
        <source>After-action &amp;review…</source>
        <translation>复盘报告(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="179"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="180"/>
        <source>F&amp;eeds</source>
        <translation>数据源(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="181"/>
        <source>&amp;Configure feeds…</source>
        <translation>配置数据源(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="182"/>
        <source>Feed &amp;health</source>
        <translation>数据源状态(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="183"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="191"/>
        <source>&amp;Role</source>
        <translation>角色(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="199"/>
        <source>Open another view</source>
        <translation>打开另一个视图</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="202"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="212"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="213"/>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="239"/>
        <source>Typhoon</source>
        <translation>台风</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="239"/>
        <source>Rainstorm</source>
        <translation>暴雨</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="246"/>
        <source>Response level %1</source>
        <translation>%1 级响应</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="250"/>
        <source>No live feeds</source>
        <translation>无实时数据源</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="252"/>
        <source>%1 feed(s) need attention</source>
        <translation>%1 个数据源异常</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="255"/>
        <source>All feeds healthy</source>
        <translation>数据源全部正常</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="261"/>
        <source>Replay time</source>
        <translation>回放时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="262"/>
        <source>Scenario time</source>
        <translation>推演时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="262"/>
        <source>Beijing time</source>
        <translation>北京时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="274"/>
        <source>Some feeds did not start</source>
        <translation>部分数据源未能启动</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="283"/>
        <source>Open a recording</source>
        <translation>打开记录</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="283"/>
        <source>Console databases (*.db);;All files (*)</source>
        <translation>控制台数据库 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="301"/>
        <source>Lon %1, Lat %2</source>
        <translation>经度 %1，纬度 %2</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="304"/>
        <source>Scale 1:%1</source>
        <translation>比例尺 1:%1</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="331"/>
        <source>Nothing found for “%1”</source>
        <translation>未找到“%1”</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="355"/>
        <source>Open an incident here</source>
        <translation>在此立案</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="357"/>
        <source>Inject: a fallen tree here…</source>
        <translation>演习注入：此处树木倒伏…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="358"/>
        <source>A fallen tree blocks the road.</source>
        <translation>树木倒伏，阻断道路。</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="359"/>
        <source>Inject: a flooding report here…</source>
        <translation>演习注入：此处积水报告…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="360"/>
        <source>Water is rising here.</source>
        <translation>此处积水正在上涨。</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="367"/>
        <source>Exercise inject</source>
        <translation>演习注入</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="367"/>
        <source>What is reported:</source>
        <translation>报告内容：</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="381"/>
        <source>Injected: %1</source>
        <translation>已注入：%1</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="396"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="397"/>
        <source>Emergency Command Console
One live picture of the city for typhoons and rainstorms.</source>
        <translation>应急指挥控制台
台风暴雨期间的城市运行一张图。</translation>
    </message>
</context>
<context>
    <name>NewTaskDialog</name>
    <message>
        <location filename="../../console/qt/task_desk.py" line="435"/>
        <source>Add a task</source>
        <translation>添加任务</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="443"/>
        <source>Dispatch now</source>
        <translation>立即派遣</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="450"/>
        <source>Agency</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="451"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <location filename="../../console/qt/review.py" line="277"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="280"/>
        <source>Export HTML…</source>
        <translation>导出 HTML…</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="281"/>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="282"/>
        <source>After-action review: %1</source>
        <translation>复盘报告：%1</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="292"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="294"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="311"/>
        <source>Places marked by hand</source>
        <translation>人工标注地点</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="314"/>
        <source>Typhoon signal</source>
        <translation>台风预警</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="314"/>
        <source>Rainstorm signal</source>
        <translation>暴雨预警</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="315"/>
        <source>Response level</source>
        <translation>响应等级</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="321"/>
        <source>After-action review</source>
        <translation>复盘报告</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="341"/>
        <source>The database holds no events yet.</source>
        <translation>数据库中尚无事件。</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="343"/>
        <source>%1 to %2 (Beijing time), %3</source>
        <translation>%1 至 %2（北京时间），共 %3</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="345"/>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="346"/>
        <source>%1 events, %2 alerts, %3 incidents (%4 finished), %5 tasks (%6 done, %7 overdue, %8 declined).</source>
        <translation>事件 %1 条，预警 %2 条，事件单 %3 件（已办结 %4 件），任务 %5 项（完成 %6 项，超时 %7 项，拒绝 %8 项）。</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="352"/>
        <source>Times are Beijing time. A task is overdue when its crew was not on scene by its deadline.</source>
        <translation>时间均为北京时间。任务在时限内未到场即为超时。</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="358"/>
        <source>Incidents opened per hour</source>
        <translation>每小时新增事件</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="365"/>
        <source>Signal or level</source>
        <translation>信号或等级</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="365"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="365"/>
        <source>From</source>
        <translation>起</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="365"/>
        <source>To</source>
        <translation>止</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="366"/>
        <source>Duration</source>
        <translation>持续</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="367"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="384"/>
        <source>Where the incidents were</source>
        <translation>事件分布</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="394"/>
        <location filename="../../console/qt/review.py" line="400"/>
        <source>Agencies</source>
        <translation>各部门</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="394"/>
        <source>No tasks.</source>
        <translation>无任务。</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="395"/>
        <location filename="../../console/qt/review.py" line="451"/>
        <location filename="../../console/qt/review.py" line="463"/>
        <source>Agency</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="395"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="395"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="396"/>
        <location filename="../../console/qt/review.py" line="432"/>
        <source>Dispatch to on scene</source>
        <translation>派遣至到场</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="397"/>
        <location filename="../../console/qt/review.py" line="433"/>
        <source>On scene to done</source>
        <translation>到场至完成</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="398"/>
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="398"/>
        <source>Declined</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="399"/>
        <source>median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="399"/>
        <source>90th percentile</source>
        <translation>90 分位</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="415"/>
        <source>unfinished</source>
        <translation>未办结</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="425"/>
        <source>overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="431"/>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="431"/>
        <source>Severity or task state</source>
        <translation>严重程度或任务状态</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="431"/>
        <source>Opened / dispatched</source>
        <translation>发生 / 派遣</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="432"/>
        <source>Reading to alert</source>
        <translation>读数至预警</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="432"/>
        <source>Alert to dispatch</source>
        <translation>预警至派遣</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="433"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="434"/>
        <source>The %1 slowest incidents</source>
        <translation>处置最慢的 %1 件事件</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="435"/>
        <source>From the first reading (or the opening) to done; an unfinished incident counts to the end of the period. Below each incident, the same steps for each agency&apos;s task.</source>
        <translation>自首个读数（或立案）至完成；未办结的事件计至时段结束。每件事件下列出各部门任务的相同环节。</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="437"/>
        <source>No incidents.</source>
        <translation>无事件。</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="443"/>
        <source>… and %1 more.</source>
        <translation>……另有 %1 条。</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="451"/>
        <location filename="../../console/qt/review.py" line="463"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="451"/>
        <location filename="../../console/qt/review.py" line="463"/>
        <source>Object</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="451"/>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="451"/>
        <source>Deadline</source>
        <translation>到场时限</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="452"/>
        <source>On scene</source>
        <translation>到场</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="452"/>
        <source>Late by</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="452"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="453"/>
        <source>Overdue tasks (%1)</source>
        <translation>超时任务（%1）</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="455"/>
        <location filename="../../console/qt/review.py" line="467"/>
        <source>None.</source>
        <translation>无。</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="463"/>
        <source>Declined at</source>
        <translation>拒绝时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="463"/>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="464"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="465"/>
        <source>Declined tasks (%1)</source>
        <translation>被拒绝的任务（%1）</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="526"/>
        <source>Export the review as HTML</source>
        <translation>导出复盘报告为 HTML</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="526"/>
        <source>HTML files (*.html)</source>
        <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="531"/>
        <source>Export the review as PDF</source>
        <translation>导出复盘报告为 PDF</translation>
    </message>
    <message>
        <location filename="../../console/qt/review.py" line="531"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
</context>
<context>
    <name>SensorChart</name>
    <message>
        <location filename="../../console/qt/charts.py" line="83"/>
        <source>Beijing time</source>
        <translation>北京时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="119"/>
        <source>Wind</source>
        <translation>风</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="119"/>
        <source>Rain</source>
        <translation>雨量</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="151"/>
        <source>Select a flood point or a station to see its readings.</source>
        <translation>选择一个积水点或站点，查看其读数。</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="155"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="181"/>
        <source>no readings in the last %1 hours</source>
        <translation>最近 %1 小时无读数</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="197"/>
        <source>Water depth (cm)</source>
        <translation>积水深度（厘米）</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="197"/>
        <source>Water level (m)</source>
        <translation>水位（米）</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="198"/>
        <source>Wind (m/s)</source>
        <translation>风速（米/秒）</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="198"/>
        <source>Rain, last hour (mm)</source>
        <translation>1 小时雨量（毫米）</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="201"/>
        <source>Water depth</source>
        <translation>积水深度</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="201"/>
        <source>Mean wind (2 min)</source>
        <translation>平均风（2 分钟）</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="202"/>
        <source>Gust</source>
        <translation>阵风</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="202"/>
        <source>Rain, last hour</source>
        <translation>1 小时雨量</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="203"/>
        <source>Water level</source>
        <translation>水位</translation>
    </message>
</context>
<context>
    <name>StreamPlayer</name>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="199"/>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="216"/>
        <source>Cannot play the stream: %1</source>
        <translation>无法播放视频流：%1</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="224"/>
        <source>The stream ended.</source>
        <translation>视频流已结束。</translation>
    </message>
</context>
<context>
    <name>TaskDesk</name>
    <message>
        <location filename="../../console/qt/task_desk.py" line="39"/>
        <source>Accept</source>
        <translation>接收</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="40"/>
        <source>En route</source>
        <translation>出发</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="41"/>
        <source>On scene</source>
        <translation>到场</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="42"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="77"/>
        <source>Show finished</source>
        <translation>显示已结束</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="81"/>
        <location filename="../../console/qt/task_desk.py" line="93"/>
        <location filename="../../console/qt/task_desk.py" line="99"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="82"/>
        <location filename="../../console/qt/task_desk.py" line="92"/>
        <source>Agency</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="83"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="84"/>
        <source>Where</source>
        <translation>地点</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="85"/>
        <source>Dispatched</source>
        <translation>派遣时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="86"/>
        <source>Due on scene</source>
        <translation>应到场时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="89"/>
        <source>Fired</source>
        <translation>触发时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="90"/>
        <location filename="../../console/qt/task_desk.py" line="97"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="91"/>
        <source>Alert</source>
        <translation>预警</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="93"/>
        <source>Active</source>
        <translation>生效中</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="93"/>
        <source>Cleared</source>
        <translation>已解除</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="96"/>
        <source>Opened</source>
        <translation>立案时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="98"/>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="99"/>
        <source>Open</source>
        <translation>处置中</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="99"/>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="104"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="105"/>
        <source>Alerts</source>
        <translation>预警</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="106"/>
        <source>Incidents</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="114"/>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="115"/>
        <source>Add task…</source>
        <translation>添加任务…</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="116"/>
        <source>Cancel…</source>
        <translation>撤销…</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="117"/>
        <source>Open incident on selection</source>
        <translation>对所选对象立案</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="118"/>
        <source>Close incident</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="119"/>
        <source>Signals and response level…</source>
        <translation>预警信号与响应等级…</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="124"/>
        <source>Decline…</source>
        <translation>拒绝…</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="243"/>
        <source>%1: %2 open tasks, %3 waiting, %4 overdue · %5 active alerts</source>
        <translation>%1：未完成任务 %2 个，待处理 %3 个，超时 %4 个 · 生效预警 %5 条</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="255"/>
        <source>%1 · OVERDUE</source>
        <translation>%1 · 超时</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="273"/>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="345"/>
        <source>Select a task, an alert or an incident.</source>
        <translation>请选择一个任务、预警或事件。</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="350"/>
        <source>opened %1</source>
        <translation>立案 %1</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="363"/>
        <source>Nearby: %1</source>
        <translation>附近：%1</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="388"/>
        <source>Incident at %1, %2</source>
        <translation>%1, %2 处事件</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="408"/>
        <source>Decline the task</source>
        <translation>拒绝任务</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="408"/>
        <source>Cancel the task</source>
        <translation>撤销任务</translation>
    </message>
    <message>
        <location filename="../../console/qt/task_desk.py" line="409"/>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
</context>
<context>
    <name>TimelineWidget</name>
    <message>
        <location filename="../../console/qt/timeline.py" line="156"/>
        <source>◀ Previous alert</source>
        <translation>◀ 上一条预警</translation>
    </message>
    <message>
        <location filename="../../console/qt/timeline.py" line="158"/>
        <source>Next alert ▶</source>
        <translation>下一条预警 ▶</translation>
    </message>
    <message>
        <location filename="../../console/qt/timeline.py" line="167"/>
        <source>Bands: typhoon signal, rainstorm signal, response level · ticks: alerts</source>
        <translation>色带：台风信号、暴雨信号、响应等级 · 刻度：预警</translation>
    </message>
    <message>
        <location filename="../../console/qt/timeline.py" line="213"/>
        <source>Replay time %1</source>
        <translation>回放时间 %1</translation>
    </message>
    <message>
        <location filename="../../console/qt/timeline.py" line="216"/>
        <source>❚❚ Pause</source>
        <translation>❚❚ 暂停</translation>
    </message>
    <message>
        <location filename="../../console/qt/timeline.py" line="216"/>
        <source>▶ Play</source>
        <translation>▶ 播放</translation>
    </message>
</context>
<context>
    <name>VitalSignsPanel</name>
    <message>
        <location filename="../../console/qt/charts.py" line="237"/>
        <source>Active alerts: ponding, tide, rain</source>
        <translation>生效预警：积水、潮位、降雨</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="239"/>
        <source>Ponding</source>
        <translation>积水</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="239"/>
        <source>Tide</source>
        <translation>潮位</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="239"/>
        <source>Rainstorm</source>
        <translation>暴雨</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="240"/>
        <source>Trees at risk (active alerts)</source>
        <translation>风险树木（生效预警）</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="241"/>
        <source>Trees at risk</source>
        <translation>风险树木</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="242"/>
        <source>Construction sites</source>
        <translation>建筑工地</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="243"/>
        <source>Stop-work orders</source>
        <translation>停工指令</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="244"/>
        <source>Evacuation orders</source>
        <translation>撤离指令</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="245"/>
        <source>Work stopped (reported)</source>
        <translation>已停工（上报）</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="246"/>
        <source>Evacuated (reported)</source>
        <translation>已撤离（上报）</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="247"/>
        <source>Flood points by water depth</source>
        <translation>积水点（按水深）</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="249"/>
        <source>Open incidents</source>
        <translation>处置中事件</translation>
    </message>
    <message>
        <location filename="../../console/qt/charts.py" line="250"/>
        <source>Overdue tasks by agency</source>
        <translation>各部门超时任务</translation>
    </message>
</context>
<context>
    <name>actions</name>
    <message>
        <location filename="../../console/core/incidents.py" line="59"/>
        <source>Drain the water</source>
        <translation>排水</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="60"/>
        <source>Close the underpass</source>
        <translation>封闭下立交</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="61"/>
        <source>Close the road</source>
        <translation>封闭道路</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="62"/>
        <source>Rescue</source>
        <translation>救援</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="63"/>
        <source>Patrol the flood walls</source>
        <translation>巡查防汛墙</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="64"/>
        <source>Prune or brace the tree</source>
        <translation>修剪或加固树木</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="65"/>
        <source>Order: stop gondolas</source>
        <translation>指令：停用吊篮</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="66"/>
        <source>Order: stop work at height</source>
        <translation>指令：停止高空作业</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="67"/>
        <source>Order: evacuate the site</source>
        <translation>指令：工地撤离</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="68"/>
        <source>Inspect</source>
        <translation>巡查</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="69"/>
        <source>Clear a fallen tree</source>
        <translation>清理倒伏树木</translation>
    </message>
</context>
<context>
    <name>agencies</name>
    <message>
        <location filename="../../console/core/incidents.py" line="41"/>
        <source>Duty officer</source>
        <translation>值班长</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="42"/>
        <source>Water affairs</source>
        <translation>水务</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="43"/>
        <source>Fire and rescue</source>
        <translation>消防救援</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="44"/>
        <source>Greening</source>
        <translation>绿化市容</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="45"/>
        <source>Construction</source>
        <translation>住建</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="46"/>
        <source>Standing plan</source>
        <translation>预案</translation>
    </message>
</context>
<context>
    <name>alerts</name>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="27"/>
        <source>Ponding: {depth_cm} cm of water at {name}</source>
        <translation>积水：{name} 水深 {depth_cm} 厘米</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="28"/>
        <source>Close the underpass: {depth_cm} cm of water at {name}</source>
        <translation>封闭下立交：{name} 水深 {depth_cm} 厘米</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="29"/>
        <source>Close the road, rescue on standby: {depth_cm} cm of water at {name}</source>
        <translation>封路，救援待命：{name} 水深 {depth_cm} 厘米</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="31"/>
        <source>Water {depth_cm} cm at {name} ({rule})</source>
        <translation>{name} 水深 {depth_cm} 厘米（{rule}）</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="32"/>
        <source>Tide {level_m} m at {name}, at or above its warning level {warning_m} m</source>
        <translation>{name} 潮位 {level_m} 米，达到或超过警戒水位 {warning_m} 米</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="33"/>
        <source>Rainstorm {color} criteria met at {name}: {rain_1h_mm} mm in 1 h, {rain_6h_mm} mm in 6 h (signal in force: {signal})</source>
        <translation>{name} 达到暴雨{color}预警标准：1 小时 {rain_1h_mm} 毫米，6 小时 {rain_6h_mm} 毫米（现行信号：{signal}）</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="35"/>
        <source>Tree failure risk: {grade} risk tree at {name}, gusts of force {force} ({wind_ms} m/s) nearby</source>
        <translation>树木倒伏风险：{name} 的{grade}风险树木，附近阵风 {force} 级（{wind_ms} 米/秒）</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="37"/>
        <source>Stop gondolas and climbing scaffolds at {name}: wind force {force} ({wind_ms} m/s) nearby</source>
        <translation>{name} 停用吊篮和爬架：附近风力 {force} 级（{wind_ms} 米/秒）</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="39"/>
        <source>Stop tower cranes, hoists, scaffolding and work at height at {name}: wind force {force} ({wind_ms} m/s) nearby</source>
        <translation>{name} 停止塔吊、升降机、脚手架和高空作业：附近风力 {force} 级（{wind_ms} 米/秒）</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="41"/>
        <source>Stop work at {name}: wind force {force} ({wind_ms} m/s) nearby ({rule})</source>
        <translation>{name} 停工：附近风力 {force} 级（{wind_ms} 米/秒）（{rule}）</translation>
    </message>
    <message>
        <location filename="../../console/core/rules/alerts.py" line="42"/>
        <source>Evacuate the {workers} workers of {name}: typhoon signal {typhoon}, response level {response}</source>
        <translation>撤离 {name} 的 {workers} 名工人：台风{typhoon}预警，{response} 级响应</translation>
    </message>
</context>
<context>
    <name>feed_state</name>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="14"/>
        <source>Not started</source>
        <translation>未启动</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="15"/>
        <source>Connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="16"/>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="17"/>
        <source>Reconnecting</source>
        <translation>重连中</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="18"/>
        <source>Down</source>
        <translation>中断</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="19"/>
        <source>Stale</source>
        <translation>数据过期</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="20"/>
        <source>Finished</source>
        <translation>已结束</translation>
    </message>
</context>
<context>
    <name>fields</name>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="40"/>
        <location filename="../../layers/cameras.py" line="17"/>
        <location filename="../../layers/flood_points.py" line="25"/>
        <location filename="../../layers/sites.py" line="23"/>
        <location filename="../../layers/stations.py" line="24"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="41"/>
        <location filename="../../layers/cameras.py" line="18"/>
        <source>Owner</source>
        <translation>权属单位</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="41"/>
        <location filename="../../layers/cameras.py" line="19"/>
        <source>Watches</source>
        <translation>监控对象</translation>
    </message>
    <message>
        <location filename="../../layers/cameras.py" line="20"/>
        <source>Stream address</source>
        <translation>视频流地址</translation>
    </message>
    <message>
        <location filename="../../console/qt/camera_panel.py" line="40"/>
        <location filename="../../layers/cameras.py" line="21"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="26"/>
        <location filename="../../layers/sites.py" line="24"/>
        <location filename="../../layers/stations.py" line="25"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="27"/>
        <location filename="../../layers/sites.py" line="25"/>
        <location filename="../../layers/stations.py" line="26"/>
        <location filename="../../layers/trees.py" line="30"/>
        <source>District</source>
        <translation>所属区</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="28"/>
        <source>Sensor</source>
        <translation>水位传感器</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="29"/>
        <location filename="../../layers/stations.py" line="27"/>
        <source>Expected reading interval (s)</source>
        <translation>预期上报间隔 (秒)</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="31"/>
        <source>Water depth (cm)</source>
        <translation>积水深度 (厘米)</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="32"/>
        <source>Depth class</source>
        <translation>积水等级</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="33"/>
        <location filename="../../layers/stations.py" line="40"/>
        <source>Last reading</source>
        <translation>最近读数</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="26"/>
        <source>Tower cranes</source>
        <translation>塔吊</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="27"/>
        <source>Hoists</source>
        <translation>施工升降机</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="28"/>
        <source>Gondolas</source>
        <translation>吊篮</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="29"/>
        <source>Workers on site</source>
        <translation>在场工人</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="30"/>
        <source>Evacuation status</source>
        <translation>撤离状态</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="22"/>
        <source>Species</source>
        <translation>树种</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="23"/>
        <source>Trunk diameter DBH (cm)</source>
        <translation>胸径 DBH (厘米)</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="24"/>
        <source>Cross-section decayed (%)</source>
        <translation>断面腐朽率 (%)</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="26"/>
        <source>Residual wall ratio t/R</source>
        <translation>剩余壁厚比 t/R</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="27"/>
        <source>Risk grade</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="28"/>
        <source>Status</source>
        <translation>养护状态</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="29"/>
        <source>Last inspection</source>
        <translation>最近检查</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="31"/>
        <source>Street</source>
        <translation>所在道路</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="29"/>
        <source>Warning level (m)</source>
        <translation>警戒水位 (米)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="31"/>
        <source>Mean wind (m/s)</source>
        <translation>平均风速 (米/秒)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="32"/>
        <source>Gust (m/s)</source>
        <translation>阵风 (米/秒)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="33"/>
        <source>Rain, last hour (mm)</source>
        <translation>1 小时雨量 (毫米)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="35"/>
        <source>Rain since the event began (mm)</source>
        <translation>过程累计雨量 (毫米)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="37"/>
        <source>Water level (m)</source>
        <translation>水位 (米)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="38"/>
        <source>Condition</source>
        <translation>状况</translation>
    </message>
</context>
<context>
    <name>layers</name>
    <message>
        <location filename="../../layers/cameras.py" line="15"/>
        <source>Cameras</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="23"/>
        <source>Flood points</source>
        <translation>积水点</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="21"/>
        <source>Construction sites</source>
        <translation>建筑工地</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="20"/>
        <source>Street trees</source>
        <translation>行道树</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="22"/>
        <source>Land</source>
        <translation>陆地</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="23"/>
        <source>Districts</source>
        <translation>行政区</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="24"/>
        <source>Shoreline</source>
        <translation>海岸线</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="25"/>
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="26"/>
        <source>Roads</source>
        <translation>道路</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="22"/>
        <source>Weather and tide stations</source>
        <translation>气象站与潮位站</translation>
    </message>
</context>
<context>
    <name>legend</name>
    <message>
        <location filename="../../layers/cameras.py" line="8"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../layers/cameras.py" line="9"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="12"/>
        <location filename="../../layers/stations.py" line="15"/>
        <source>No reading</source>
        <translation>无读数</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="13"/>
        <source>Dry or minor (&lt; 15 cm)</source>
        <translation>无积水或轻微 (&lt; 15 厘米)</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="14"/>
        <source>Ponding 15–25 cm</source>
        <translation>积水 15–25 厘米</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="15"/>
        <source>Underpass closure 25–40 cm</source>
        <translation>下立交封闭 25–40 厘米</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="16"/>
        <source>Road closure ≥ 40 cm</source>
        <translation>道路封闭 ≥ 40 厘米</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="12"/>
        <source>Working normally</source>
        <translation>正常施工</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="13"/>
        <source>Work stopped</source>
        <translation>已停工</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="14"/>
        <source>Evacuating</source>
        <translation>撤离中</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="15"/>
        <source>Evacuated</source>
        <translation>已撤离</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="11"/>
        <source>Very high risk</source>
        <translation>极高风险</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="12"/>
        <source>High risk</source>
        <translation>高风险</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="13"/>
        <source>Medium risk</source>
        <translation>中风险</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="14"/>
        <source>Low risk</source>
        <translation>低风险</translation>
    </message>
    <message>
        <location filename="../../layers/base.py" line="75"/>
        <source>Stale: no recent reading</source>
        <translation>数据过期：近期无读数</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="10"/>
        <source>Tide above warning level</source>
        <translation>潮位超警戒</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="11"/>
        <source>Wind force 10 or gusts 12 and above</source>
        <translation>平均风 10 级或阵风 12 级以上</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="12"/>
        <source>Wind force 8 or gusts 10 and above</source>
        <translation>平均风 8 级或阵风 10 级以上</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="13"/>
        <source>Wind force 6 or gusts 8 and above</source>
        <translation>平均风 6 级或阵风 8 级以上</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="14"/>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
</context>
<context>
    <name>roles</name>
    <message>
        <location filename="../../console/core/roles.py" line="38"/>
        <source>Duty officer</source>
        <translation>值班长</translation>
    </message>
    <message>
        <location filename="../../console/core/roles.py" line="39"/>
        <source>Fire and rescue</source>
        <translation>消防救援</translation>
    </message>
    <message>
        <location filename="../../console/core/roles.py" line="41"/>
        <source>Water affairs</source>
        <translation>水务</translation>
    </message>
    <message>
        <location filename="../../console/core/roles.py" line="43"/>
        <source>Greening</source>
        <translation>绿化市容</translation>
    </message>
</context>
<context>
    <name>severities</name>
    <message>
        <location filename="../../console/core/incidents.py" line="72"/>
        <source>Minor</source>
        <translation>轻微</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="73"/>
        <source>Moderate</source>
        <translation>中等</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="74"/>
        <source>Severe</source>
        <translation>严重</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="75"/>
        <source>Extreme</source>
        <translation>特别严重</translation>
    </message>
</context>
<context>
    <name>signal</name>
    <message>
        <location filename="../../console/qt/main_window.py" line="34"/>
        <source>blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="34"/>
        <source>yellow</source>
        <translation>黄色</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="35"/>
        <source>orange</source>
        <translation>橙色</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="35"/>
        <source>red</source>
        <translation>红色</translation>
    </message>
</context>
<context>
    <name>task_states</name>
    <message>
        <location filename="../../console/core/incidents.py" line="49"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="50"/>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="51"/>
        <source>Accepted</source>
        <translation>已接收</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="52"/>
        <source>En route</source>
        <translation>在途</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="53"/>
        <source>On scene</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="54"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="55"/>
        <source>Declined</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../console/core/incidents.py" line="56"/>
        <source>Cancelled</source>
        <translation>已撤销</translation>
    </message>
</context>
<context>
    <name>thresholds</name>
    <message>
        <location filename="../../console/core/history.py" line="88"/>
        <source>Ponding %1 cm</source>
        <translation>积水 %1 厘米</translation>
    </message>
    <message>
        <location filename="../../console/core/history.py" line="89"/>
        <source>Underpass closure %1 cm</source>
        <translation>下立交封闭 %1 厘米</translation>
    </message>
    <message>
        <location filename="../../console/core/history.py" line="90"/>
        <source>Road closure %1 cm</source>
        <translation>封路 %1 厘米</translation>
    </message>
    <message>
        <location filename="../../console/core/history.py" line="93"/>
        <source>Rainstorm blue %1 mm/h</source>
        <translation>暴雨蓝色 %1 毫米/小时</translation>
    </message>
    <message>
        <location filename="../../console/core/history.py" line="94"/>
        <source>Rainstorm yellow %1 mm/h</source>
        <translation>暴雨黄色 %1 毫米/小时</translation>
    </message>
    <message>
        <location filename="../../console/core/history.py" line="95"/>
        <source>Rainstorm orange %1 mm/h</source>
        <translation>暴雨橙色 %1 毫米/小时</translation>
    </message>
    <message>
        <location filename="../../console/core/history.py" line="96"/>
        <source>Rainstorm red %1 mm/h</source>
        <translation>暴雨红色 %1 毫米/小时</translation>
    </message>
    <message>
        <location filename="../../console/core/history.py" line="97"/>
        <source>Force 6 (%1 m/s): stop work at height</source>
        <translation>6 级（%1 米/秒）：停止高空作业</translation>
    </message>
    <message>
        <location filename="../../console/core/history.py" line="98"/>
        <source>Force 8 (%1 m/s): gale</source>
        <translation>8 级（%1 米/秒）：大风</translation>
    </message>
    <message>
        <location filename="../../console/core/history.py" line="99"/>
        <source>Warning level %1 m</source>
        <translation>警戒水位 %1 米</translation>
    </message>
</context>
<context>
    <name>values</name>
    <message>
        <location filename="../../layers/cameras.py" line="30"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../layers/cameras.py" line="31"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="41"/>
        <source>Underpass</source>
        <translation>下立交</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="42"/>
        <source>Road ponding spot</source>
        <translation>道路积水点</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="38"/>
        <source>Building</source>
        <translation>房建工程</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="39"/>
        <source>Municipal works</source>
        <translation>市政工程</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="42"/>
        <source>Working normally</source>
        <translation>正常施工</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="43"/>
        <source>Work stopped</source>
        <translation>已停工</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="44"/>
        <source>Evacuating</source>
        <translation>撤离中</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="45"/>
        <source>Evacuated</source>
        <translation>已撤离</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="39"/>
        <source>Very high</source>
        <translation>极高</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="40"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="41"/>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="42"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="45"/>
        <source>Checked</source>
        <translation>已检查</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="46"/>
        <source>Pruned</source>
        <translation>已修剪</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="47"/>
        <source>Braced</source>
        <translation>已支撑加固</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="48"/>
        <source>Removed</source>
        <translation>已移除</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="48"/>
        <source>Weather station</source>
        <translation>气象站</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="49"/>
        <source>Tide gauge</source>
        <translation>潮位站</translation>
    </message>
</context>
</TS>
